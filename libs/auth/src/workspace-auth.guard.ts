import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './api-keys';
import { AuthenticatedWorkspace, WorkspaceKeys } from './workspace-keys';

type WithWorkspace = FastifyRequest & { workspace?: AuthenticatedWorkspace };

/** `Authorization: Bearer <workspace api key>`; the request then acts within that workspace only. */
@Injectable()
export class WorkspaceAuthGuard implements CanActivate {
  constructor(private readonly keys: WorkspaceKeys) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithWorkspace>();
    const key = bearerToken(request.headers.authorization);
    if (!key) throw new UnauthorizedException('missing Authorization: Bearer <api key>');
    const workspace = await this.keys.resolve(key);
    if (!workspace) throw new UnauthorizedException('invalid api key');
    request.workspace = workspace;
    return true;
  }
}

export const CurrentWorkspace = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const workspace = context.switchToHttp().getRequest<WithWorkspace>().workspace;
  if (!workspace) throw new UnauthorizedException('not authenticated');
  return workspace;
});
