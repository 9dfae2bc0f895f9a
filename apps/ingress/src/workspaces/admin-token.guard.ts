import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { bearerToken, safeEqual } from '@smsgate/auth';
import type { FastifyRequest } from 'fastify';
import { INGRESS_CONFIG, IngressConfig } from '../config';

@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(INGRESS_CONFIG) private readonly config: IngressConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (!token || !safeEqual(token, this.config.ADMIN_TOKEN))
      throw new UnauthorizedException('admin token required');
    return true;
  }
}
