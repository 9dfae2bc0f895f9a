import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { WorkspaceKeys } from '@smsgate/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { ChtTarget, RelaySettings } from '../settings/relay-settings';
import { RateLimiter } from './rate-limiter';

export interface RapidProCaller {
  workspaceId: string;
  target?: ChtTarget;
}

type WithCaller = FastifyRequest & { rapidProCaller?: RapidProCaller };

const TOKEN = /^Token\s+(\S+)\s*$/i;

/**
 * RapidPro's API authentication as CHT uses it: `Authorization: Token <key>`, where the key is the
 * workspace's API key. Failures answer 403 with RapidPro's `{"detail": …}`; a workspace over its API
 * rate gets 429 with `Retry-After`, as RapidPro's throttle does.
 */
@Injectable()
export class RapidProAuthGuard implements CanActivate {
  private readonly limiter = new RateLimiter();

  constructor(
    private readonly keys: WorkspaceKeys,
    private readonly settings: RelaySettings,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithCaller>();
    const header = request.headers.authorization;
    const match = TOKEN.exec(typeof header === 'string' ? header : '');
    if (!match?.[1]) throw new ForbiddenException('Authentication credentials were not provided.');
    const workspace = await this.keys.resolve(match[1]);
    if (!workspace) throw new ForbiddenException('Invalid token');
    const target = await this.settings.target(workspace.id);
    const wait = this.limiter.take(
      workspace.id,
      target?.apiRatePerMinute ?? this.config.CHT_API_RATE_PER_MINUTE,
    );
    if (wait > 0) {
      void context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(wait));
      throw new HttpException(`Request was throttled. Expected available in ${wait} seconds.`, 429);
    }
    request.rapidProCaller = { workspaceId: workspace.id, target };
    return true;
  }
}

export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): RapidProCaller => {
  const caller = context.switchToHttp().getRequest<WithCaller>().rapidProCaller;
  if (!caller) throw new ForbiddenException('Authentication credentials were not provided.');
  return caller;
});

/** Errors on RapidPro-compatible API routes in RapidPro's shapes: field errors, or `{"detail": …}`. */
export function rapidProApiErrorBody(
  request: FastifyRequest,
  status: number,
  reason: string,
  body?: object,
): unknown {
  if (!request.url.startsWith('/api/v2/')) return undefined;
  const fieldErrors = (body as { fieldErrors?: unknown } | undefined)?.fieldErrors;
  if (status === 400 && fieldErrors) return fieldErrors;
  return { detail: reason };
}
