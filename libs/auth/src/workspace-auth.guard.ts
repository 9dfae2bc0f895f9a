import {
  BadRequestException,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
  NotFoundException,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ADMIN_TOKEN } from './admin-token.guard';
import { bearerToken, safeEqual } from './api-keys';
import { AuthenticatedWorkspace, WorkspaceKeys } from './workspace-keys';

type WithWorkspace = FastifyRequest & { workspace?: AuthenticatedWorkspace };

/** The header naming the workspace an admin token acts in. */
export const WORKSPACE_HEADER = 'x-smsgate-workspace';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The workspace id an `X-Smsgate-Workspace` header names (lower case), undefined without one; a header that
 * is no workspace id is a 400.
 */
export function workspaceNamedBy(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !UUID.test(header))
    throw new BadRequestException('X-Smsgate-Workspace must be a workspace id (a UUID)');
  return header.toLowerCase();
}

/**
 * `Authorization: Bearer <workspace api key>`; the request then acts within that workspace only. The
 * admin token (where the service has one) with `X-Smsgate-Workspace: <workspace id>` acts within the
 * workspace it names, as that workspace's key would: how the console and the CLI serve an operator.
 */
@Injectable()
export class WorkspaceAuthGuard implements CanActivate {
  constructor(
    private readonly keys: WorkspaceKeys,
    @Optional() @Inject(ADMIN_TOKEN) private readonly adminToken?: string,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithWorkspace>();
    const key = bearerToken(request.headers.authorization);
    if (!key) throw new UnauthorizedException('missing Authorization: Bearer <api key>');
    // Keys first (a cached hit on the send path): the admin token is compared only when no key matched.
    const workspace = await this.keys.resolve(key);
    if (workspace) {
      request.workspace = workspace;
      return true;
    }
    if (!this.adminToken || !safeEqual(key, this.adminToken))
      throw new UnauthorizedException('invalid api key');
    const id = workspaceNamedBy(request.headers[WORKSPACE_HEADER]);
    if (id === undefined)
      throw new BadRequestException('X-Smsgate-Workspace names the workspace an admin token acts in');
    request.workspace = await this.named(id);
    return true;
  }

  private async named(id: string): Promise<AuthenticatedWorkspace> {
    const workspace = await this.keys.find(id);
    if (!workspace) throw new NotFoundException(`workspace ${id} not found`);
    return workspace;
  }
}

export const CurrentWorkspace = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const workspace = context.switchToHttp().getRequest<WithWorkspace>().workspace;
  if (!workspace) throw new UnauthorizedException('not authenticated');
  return workspace;
});
