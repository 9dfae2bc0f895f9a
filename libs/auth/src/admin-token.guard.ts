import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken, safeEqual } from './api-keys';

/** The operator's token (a service's ADMIN_TOKEN): provide it where AdminTokenGuard is used. */
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/** Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>` (compared in constant time). */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ADMIN_TOKEN) private readonly adminToken: string) {}

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (!token || !safeEqual(token, this.adminToken)) throw new UnauthorizedException('admin token required');
    return true;
  }
}
