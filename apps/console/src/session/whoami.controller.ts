import { Controller, Get, Inject, Req, UnauthorizedException } from '@nestjs/common';
import { ADMIN_TOKEN, bearerToken, safeEqual, WorkspaceKeys } from '@smsgate/auth';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { WhoAmI } from '../console.routes';

/**
 * Who a key belongs to: the console's sign-in asks this once and keeps the key in the page's memory.
 * The admin token acts in every workspace (naming one with X-Smsgate-Workspace); a workspace key in its own.
 */
@Controller('v1/whoami')
export class WhoAmIController {
  constructor(
    private readonly keys: WorkspaceKeys,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
  ) {}

  @Get()
  async whoami(@Req() request: FastifyRequest): Promise<z.output<typeof WhoAmI>> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedException('missing Authorization: Bearer <api key or admin token>');
    if (safeEqual(token, this.adminToken)) return { role: 'admin' };
    const workspace = await this.keys.resolve(token);
    if (!workspace) throw new UnauthorizedException('invalid api key');
    return { role: 'workspace', workspace: { id: workspace.id, name: workspace.name } };
  }
}
