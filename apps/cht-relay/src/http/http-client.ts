import { EgressGuard, pinnedLookup, type CheckedUrl } from '@smsgate/egress';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

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

const MAX_BODY = 256 * 1024;

/**
 * HTTP to CHT and RapidPro through the egress guard: the connection goes to the addresses the guard
 * checked (no DNS rebinding), redirects are not followed, and errors name the host, never the URL
 * (which may carry credentials).
 */
export class RelayHttpClient {
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(
    private readonly guard: EgressGuard,
    private readonly timeoutMs: number,
  ) {}

  async request(request: OutgoingRequest): Promise<IncomingResponse> {
    let host = '';
    try {
      host = new URL(request.url).host;
    } catch {
      throw new TransportError('refused', 'not a valid URL');
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      let checked: CheckedUrl;
      try {
        checked = await this.guard.check(request.url);
      } catch (error) {
        throw new TransportError('refused', (error as Error).message);
      }
      return await this.exchange(request, checked, controller.signal);
    } catch (error) {
      if (error instanceof TransportError) throw error;
      if (controller.signal.aborted)
        throw new TransportError('timeout', `${host} did not answer within ${this.timeoutMs} ms`);
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new TransportError('connection', `${host}: ${code}`);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private exchange(request: OutgoingRequest, checked: CheckedUrl, signal: AbortSignal) {
    const secure = checked.url.protocol === 'https:';
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string | number> = { ...request.headers };
    if (body) headers['content-length'] = body.length;
    return new Promise<IncomingResponse>((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)(
        checked.url,
        {
          method: request.method,
          headers,
          lookup: pinnedLookup(checked),
          agent: secure ? this.httpsAgent : this.httpAgent,
          signal,
        },
        (response) => {
          readBody(response).then(
            (text) => resolve({ status: response.statusCode ?? 0, body: text }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_BODY) chunks.push(chunk);
      size += chunk.length;
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY)));
    response.on('error', reject);
  });
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** The start of a response body for a reason, with known secrets blanked out. */
export const excerpt = (body: string, secrets: string[] = []): string => {
  let text = body.slice(0, 200);
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('***');
  return text;
};
