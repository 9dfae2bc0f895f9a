import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { outgoingTraceparent } from '@smsgate/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { INGRESS_CONFIG, IngressConfig } from '../config';

const TIMEOUT_MS = 10_000;
const PASSED_HEADERS = ['authorization', 'accept', 'x-smsgate-workspace'] as const;

/**
 * `/v1/messages` is one public path for two services: POST (send) is ingress's, GET (list) is
 * dlr-tracker's, and an HTTP ingress routes by path only. The exact path therefore reaches ingress,
 * which passes a GET on to dlr-tracker unchanged (query, Authorization) and answers with its response.
 * dlr-tracker authenticates; nothing is read or kept here. See deploy/README.md.
 */
@Controller('v1/messages')
export class MessageListController {
  constructor(@Inject(INGRESS_CONFIG) private readonly config: IngressConfig) {}

  @Get()
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const base = this.config.MESSAGES_API_URL;
    if (!base)
      throw new NotFoundException(
        'listing messages is served by dlr-tracker (GET /v1/messages there); set MESSAGES_API_URL on ingress to pass it through',
      );
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const headers: Record<string, string> = { traceparent: outgoingTraceparent() };
    for (const name of PASSED_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = await fetch(`${base.replace(/\/$/, '')}/v1/messages${query}`, {
      headers,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch(() => undefined);
    if (!upstream)
      throw new ServiceUnavailableException('the message list is unavailable right now; retry shortly');
    const body = Buffer.from(await upstream.arrayBuffer());
    await reply
      .status(upstream.status)
      .header('content-type', upstream.headers.get('content-type') ?? 'application/json')
      .send(body);
  }
}
