import { EgressGuard, EgressRefusedError, pinnedLookup, type EgressGuardOptions } from './egress-guard';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** For the whole exchange: DNS, connect, request, and the response body. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

/**
 * Why no response came: `refused` by the egress guard (permanent for this config), or a `timeout`,
 * `dns` or `connection` failure (transient as far as we can tell).
 */
export type TransportFailure = 'refused' | 'timeout' | 'dns' | 'connection';

/** Thrown by HttpClient when there is no HTTP response. Its message names the host, never the URL. */
export class HttpTransportError extends Error {
  override readonly name = 'HttpTransportError';
  constructor(
    readonly failure: TransportFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The one way services reach HTTP endpoints configured by users (aggregators, CHT, RapidPro). Any HTTP status is a response, not an error; redirects
 * are returned, never followed (a redirect could lead past the egress guard).
 */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export interface NodeHttpClientOptions {
  /** The egress policy (or a guard built for it); default: public addresses only. */
  egress?: EgressGuard | EgressGuardOptions;
  /** Response bodies are cut here; adapters only look at the start. Default 256 KiB. */
  maxResponseBytes?: number;
}

const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

/**
 * HttpClient on node:http/https rather than global fetch: fetch cannot be given a `lookup` without
 * undici as a dependency, and with one the connection goes to exactly the addresses the egress
 * guard checked, so a DNS answer that changes between check and connect (rebinding) cannot redirect
 * it. Keep-alive agents are shared; `close()` releases their sockets.
 */
export class NodeHttpClient implements HttpClient {
  private readonly guard: EgressGuard;
  private readonly maxResponseBytes: number;
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(options: NodeHttpClientOptions = {}) {
    this.guard = options.egress instanceof EgressGuard ? options.egress : new EgressGuard(options.egress);
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * 1024;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeoutMs);
    let host = '';
    try {
      host = safeHost(request.url);
      const checked = await untilAborted(this.guard.check(request.url), controller.signal);
      return await this.exchange(request, checked, controller.signal);
    } catch (error) {
      throw toTransportError(error, controller.signal.aborted, host, request.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private exchange(
    request: HttpRequest,
    checked: Awaited<ReturnType<EgressGuard['check']>>,
    signal: AbortSignal,
  ): Promise<HttpResponse> {
    const secure = checked.url.protocol === 'https:';
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string | number> = { ...request.headers };
    if (body) headers['content-length'] = body.length;
    return new Promise<HttpResponse>((resolve, reject) => {
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
          void readBody(response, this.maxResponseBytes).then(
            (text) =>
              resolve({ status: response.statusCode ?? 0, headers: flatHeaders(response), body: text }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

function readBody(response: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8'));
        response.destroy();
      }
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('response aborted')));
  });
}

function flatHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** DNS lookups cannot be cancelled; stop waiting for one when the deadline passes. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

function toTransportError(error: unknown, timedOut: boolean, host: string, timeoutMs: number): Error {
  if (error instanceof HttpTransportError) return error;
  if (error instanceof EgressRefusedError) return new HttpTransportError('refused', error.message);
  if (timedOut) return new HttpTransportError('timeout', `no response from ${host} within ${timeoutMs} ms`);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && DNS_ERRORS.has(code)) return new HttpTransportError('dns', `cannot resolve ${host} (${code})`);
  // Node's messages can include the request's address; the code alone says what happened.
  return new HttpTransportError('connection', `${code ?? 'connection error'} talking to ${host}`);
}
