import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { EgressGuard } from '@smsgate/egress';
import { Counter } from 'prom-client';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { IncomingResponse, OutgoingRequest, RelayHttpClient, TransportError } from './http-client';

export const forwardResults = new Counter({
  name: 'smsgate_cht_relay_requests_total',
  help: 'Requests cht-relay made to CHT and RapidPro, by kind and result (ok, duplicate, retry, refused)',
  labelNames: ['kind', 'result'],
});

/** What a request to CHT or RapidPro came to: a response, or no response at all (and why). */
export type Exchange = { ok: true; response: IncomingResponse } | { ok: false; error: TransportError };

/** The service's one HTTP client to CHT and RapidPro, behind the egress guard (EGRESS_ALLOW). */
@Injectable()
export class RelayHttp implements OnApplicationShutdown {
  private readonly client: RelayHttpClient;
  private readonly guard: EgressGuard;

  constructor(@Inject(CHT_RELAY_CONFIG) config: ChtRelayConfig) {
    this.guard = new EgressGuard({ allowHosts: config.EGRESS_ALLOW });
    this.client = new RelayHttpClient(this.guard, config.HTTP_TIMEOUT_MS);
  }

  /** Why a configured URL could never be reached (scheme, a refused IP literal), or null. */
  staticRefusal(url: string): string | null {
    return this.guard.staticRefusal(url);
  }

  async send(request: OutgoingRequest): Promise<Exchange> {
    try {
      return { ok: true, response: await this.client.request(request) };
    } catch (error) {
      if (error instanceof TransportError) return { ok: false, error };
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}

/** Joins a base URL (with or without a trailing slash or a path) and an absolute path. */
export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;

export const formBody = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
