import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';

const TOKEN = 'a'.repeat(32);
const withAuthorization = (authorization?: string) =>
  ({
    switchToHttp: () => ({ getRequest: () => ({ headers: { authorization } }) }),
  }) as unknown as ExecutionContext;

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard(TOKEN);

  it('lets the admin token through', () => {
    expect(guard.canActivate(withAuthorization(`Bearer ${TOKEN}`))).toBe(true);
  });

  it.each([
    ['no Authorization header', undefined],
    ['another token', `Bearer ${'b'.repeat(32)}`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 31)}`],
    ['the token without Bearer', TOKEN],
  ])('refuses %s with 401', (_, authorization) => {
    expect(() => guard.canActivate(withAuthorization(authorization))).toThrow(
      new UnauthorizedException('admin token required'),
    );
  });
});
