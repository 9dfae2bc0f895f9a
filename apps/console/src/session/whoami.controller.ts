import { Controller, Get, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { WhoAmI } from '../console.routes';
import { Callers } from './caller';

/**
 * Who a key belongs to: the console's sign-in asks this once and keeps the key in the page's memory.
 * The admin token acts in every workspace (naming one with X-Smsgate-Workspace); a workspace key in its own.
 */
@Controller('v1/whoami')
export class WhoAmIController {
  constructor(private readonly callers: Callers) {}

  @Get()
  async whoami(@Req() request: FastifyRequest): Promise<z.output<typeof WhoAmI>> {
    const holder = await this.callers.holderOf(request);
    return holder.role === 'admin'
      ? { role: 'admin' }
      : { role: 'workspace', workspace: { id: holder.workspace.id, name: holder.workspace.name } };
  }
}
