import { BadRequestException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ADMIN_TOKEN, bearerToken, safeEqual, WorkspaceKeys } from '@smsgate/auth';
import { isUuid } from '@smsgate/contracts';
import type { FastifyRequest } from 'fastify';

/** Who is asking: the admin (every workspace, or the one it names) or a workspace by its key. */
export type Caller = { role: 'admin'; workspace?: string } | { role: 'workspace'; workspace: string };

@Injectable()
export class Callers {
  constructor(
    private readonly keys: WorkspaceKeys,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
  ) {}

  async of(request: FastifyRequest): Promise<Caller> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedException('missing Authorization: Bearer <api key or admin token>');
    if (safeEqual(token, this.adminToken)) {
      const named = request.headers['x-smsgate-workspace'];
      if (named === undefined) return { role: 'admin' };
      if (typeof named !== 'string' || !isUuid(named))
        throw new BadRequestException('X-Smsgate-Workspace must be a workspace id (a UUID)');
      return { role: 'admin', workspace: named };
    }
    const workspace = await this.keys.resolve(token);
    if (!workspace) throw new UnauthorizedException('invalid api key');
    return { role: 'workspace', workspace: workspace.id };
  }
}
