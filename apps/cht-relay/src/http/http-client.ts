import { EgressGuard, HttpTransportError, NodeHttpClient } from '@smsgate/egress';

export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface IncomingResponse {
  status: number;
  body: string;
}

/** No HTTP response: refused by the egress guard, timed out, or the connection failed. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly failure: 'refused' | 'timeout' | 'connection',
    message: string,
  ) {
    super(message);
  }
}

/**
 * HTTP to CHT and RapidPro: the egress library's client (connections go to the addresses the guard
 * checked, redirects are not followed, errors name the host, never the URL) with the relay's timeout.
 */
export class RelayHttpClient {
  private readonly client: NodeHttpClient;

  constructor(
    guard: EgressGuard,
    private readonly timeoutMs: number,
  ) {
    this.client = new NodeHttpClient({ egress: guard });
  }

  async request(request: OutgoingRequest): Promise<IncomingResponse> {
    try {
      const { status, body } = await this.client.request({
        method: request.method,
        url: request.url,
        headers: request.headers ?? {},
        body: request.body,
        timeoutMs: this.timeoutMs,
      });
      return { status, body };
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error;
      throw new TransportError(error.failure === 'dns' ? 'connection' : error.failure, error.message);
    }
  }

  close(): void {
    this.client.close();
  }
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** The start of a response body for a reason, with known secrets blanked out. */
export const excerpt = (body: string, secrets: string[] = []): string => {
  let text = body.slice(0, 200);
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('***');
  return text;
};
