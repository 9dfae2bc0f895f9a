import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import {
  ADMIN_TOKEN,
  AuthenticatedWorkspace,
  bearerToken,
  safeEqual,
  WORKSPACE_HEADER,
  workspaceNamedBy,
  WorkspaceKeys,
} from '@smsgate/auth';
import type { FastifyRequest } from 'fastify';

/** Who a key belongs to: the admin token, or a workspace by its key. */
export type Holder = { role: 'admin' } | { role: 'workspace'; workspace: AuthenticatedWorkspace };

/** Who is asking: the admin (every workspace, or the one it names) or a workspace by its key. */
export type Caller = { role: 'admin'; workspace?: string } | { role: 'workspace'; workspace: string };

@Injectable()
export class Callers {
  constructor(
    private readonly keys: WorkspaceKeys,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
  ) {}

  /** The key's holder, from Authorization alone (the sign-in). */
  async holderOf(request: FastifyRequest): Promise<Holder> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedException('missing Authorization: Bearer <api key or admin token>');
    if (safeEqual(token, this.adminToken)) return { role: 'admin' };
    const workspace = await this.keys.resolve(token);
    if (!workspace) throw new UnauthorizedException('invalid api key');
    return { role: 'workspace', workspace };
  }

  /** The workspace a request is about: a key's own, the one an admin names, or none (admin: all). */
  async of(request: FastifyRequest): Promise<Caller> {
    const holder = await this.holderOf(request);
    return holder.role === 'admin'
      ? { role: 'admin', workspace: workspaceNamedBy(request.headers[WORKSPACE_HEADER]) }
      : { role: 'workspace', workspace: holder.workspace.id };
  }
}
