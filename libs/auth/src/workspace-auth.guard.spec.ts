import {
  BadRequestException,
  ExecutionContext,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { WorkspaceAuthGuard } from './workspace-auth.guard';
import { WorkspaceKeys } from './workspace-keys';

const ADMIN = 'admin-token-'.padEnd(32, 'x');
const CLINIC = { id: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5c', name: 'Clinic' };

const requestWith = (headers: Record<string, string | undefined>) => {
  const request: { headers: Record<string, string | undefined>; workspace?: unknown } = { headers };
  const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return { request, context };
};

describe('WorkspaceAuthGuard', () => {
  const keys = {
    resolve: jest.fn(async (key: string) => (key === 'sg_clinic' ? CLINIC : undefined)),
    find: jest.fn(async (id: string) => (id === CLINIC.id ? CLINIC : undefined)),
  } as unknown as WorkspaceKeys;
  const guard = new WorkspaceAuthGuard(keys, ADMIN);

  it("acts within a key's workspace", async () => {
    const { request, context } = requestWith({ authorization: 'Bearer sg_clinic' });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.workspace).toEqual(CLINIC);
  });

  it('lets the admin token act within the workspace X-Smsgate-Workspace names', async () => {
    const { request, context } = requestWith({
      authorization: `Bearer ${ADMIN}`,
      'x-smsgate-workspace': CLINIC.id.toUpperCase(),
    });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.workspace).toEqual(CLINIC);
  });

  it.each([
    [
      'no header',
      undefined,
      new BadRequestException('X-Smsgate-Workspace names the workspace an admin token acts in'),
    ],
    [
      'a header that is no id',
      'clinic',
      new BadRequestException('X-Smsgate-Workspace must be a workspace id (a UUID)'),
    ],
    [
      'an unknown workspace',
      '0193a5c2-7e11-7c3e-9a52-000000000000',
      new NotFoundException('workspace 0193a5c2-7e11-7c3e-9a52-000000000000 not found'),
    ],
  ])('refuses the admin token with %s', async (_, header, error) => {
    const { context } = requestWith({ authorization: `Bearer ${ADMIN}`, 'x-smsgate-workspace': header });
    await expect(guard.canActivate(context)).rejects.toEqual(error);
  });

  it('takes no admin token where the service has none, and no header instead of a key', async () => {
    const keysOnly = new WorkspaceAuthGuard(keys);
    const admin = requestWith({ authorization: `Bearer ${ADMIN}`, 'x-smsgate-workspace': CLINIC.id });
    await expect(keysOnly.canActivate(admin.context)).rejects.toEqual(
      new UnauthorizedException('invalid api key'),
    );
    const headerOnly = requestWith({ 'x-smsgate-workspace': CLINIC.id });
    await expect(guard.canActivate(headerOnly.context)).rejects.toBeInstanceOf(UnauthorizedException);
    const wrong = requestWith({ authorization: 'Bearer sg_other', 'x-smsgate-workspace': CLINIC.id });
    await expect(guard.canActivate(wrong.context)).rejects.toEqual(
      new UnauthorizedException('invalid api key'),
    );
  });
});
