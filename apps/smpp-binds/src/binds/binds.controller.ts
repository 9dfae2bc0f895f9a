import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Inject,
  Injectable,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { bearerToken, safeEqual } from '@smsgate/auth';
import type { FastifyRequest } from 'fastify';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';
import { BindRegistry, ChannelBinds } from './bind-registry';
import { Ownership } from './ownership';

@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(SMPP_BINDS_CONFIG) private readonly config: SmppBindsConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (!token || !safeEqual(token, this.config.ADMIN_TOKEN))
      throw new UnauthorizedException('admin token required');
    return true;
  }
}

/** The binds this replica holds, for operators (admin token): state, window in use, rates, last error. */
@Controller('v1/binds')
@UseGuards(AdminTokenGuard)
export class BindsController {
  constructor(
    private readonly registry: BindRegistry,
    private readonly ownership: Ownership,
  ) {}

  @Get()
  list(): { partitions: number[]; channels: ChannelBinds[] } {
    return { partitions: this.ownership.owned.sort((a, b) => a - b), channels: this.registry.snapshot() };
  }
}
