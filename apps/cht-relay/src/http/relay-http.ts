import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { EgressGuard, HttpTransportError, NodeHttpClient } from '@smsgate/egress';
import { Counter } from 'prom-client';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { IncomingResponse, OutgoingRequest, TransportError } from './http-client';

export const forwardResults = new Counter({
  name: 'smsgate_cht_relay_requests_total',
  help: 'Requests cht-relay made to CHT and RapidPro, by kind and result (ok, duplicate, retry, refused)',
  labelNames: ['kind', 'result'],
});

/** What a request to CHT or RapidPro came to: a response, or no response at all (and why). */
export type Exchange = { ok: true; response: IncomingResponse } | { ok: false; error: TransportError };

/**
 * The service's one HTTP client to CHT and RapidPro: the egress library's client behind the guard
 * (EGRESS_ALLOW; connections go to the addresses it checked, redirects are not followed, errors name
 * the host, never the URL), with the relay's timeout.
 */
@Injectable()
export class RelayHttp implements OnApplicationShutdown {
  private readonly client: NodeHttpClient;
  private readonly guard: EgressGuard;
  private readonly timeoutMs: number;

  constructor(@Inject(CHT_RELAY_CONFIG) config: Pick<ChtRelayConfig, 'EGRESS_ALLOW' | 'HTTP_TIMEOUT_MS'>) {
    this.guard = new EgressGuard({ allowHosts: config.EGRESS_ALLOW });
    this.client = new NodeHttpClient({ egress: this.guard });
    this.timeoutMs = config.HTTP_TIMEOUT_MS;
  }

  /** Why a configured URL could never be reached (scheme, a refused IP literal), or null. */
  staticRefusal(url: string): string | null {
    return this.guard.staticRefusal(url);
  }

  async send(request: OutgoingRequest): Promise<Exchange> {
    try {
      const { status, body } = await this.client.request({
        method: request.method,
        url: request.url,
        headers: request.headers ?? {},
        body: request.body,
        timeoutMs: this.timeoutMs,
      });
      return { ok: true, response: { status, body } };
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error;
      const failure = error.failure === 'dns' ? 'connection' : error.failure;
      return { ok: false, error: new TransportError(failure, error.message) };
    }
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}

/** Joins a base URL (with or without a trailing slash or a path) and an absolute path. */
export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;

export const formBody = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
