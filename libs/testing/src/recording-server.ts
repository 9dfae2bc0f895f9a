import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When the whole request had arrived (Date.now()). */
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

/** `hang` accepts the request and never answers (until the server stops). */
export type Script = Reply | 'hang';

/**
 * A real HTTP server on 127.0.0.1 and a free port that records every request and answers from a
 * script: queued replies first, then the fallback (200 with an empty body unless set).
 */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Script[] = [];
  private fallback: Script = { status: 200 };
  private readonly hanging: ServerResponse[] = [];

  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.handle(
        {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
          at: Date.now(),
        },
        response,
      );
    });
  });
  private listeningPort = 0;

  static async start(): Promise<RecordingServer> {
    const recorder = new RecordingServer();
    await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', resolve));
    recorder.listeningPort = (recorder.server.address() as AddressInfo).port;
    return recorder;
  }

  get port(): number {
    return this.listeningPort;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answers the next requests with these, in order. */
  reply(...scripts: Script[]): this {
    this.queue.push(...scripts);
    return this;
  }

  /** Answers every request after the queued ones with this. */
  replyAlways(script: Script): this {
    this.fallback = script;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.fallback = { status: 200 };
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: RecordedRequest, response: ServerResponse): void {
    this.requests.push(request);
    const script = this.queue.shift() ?? this.fallback;
    if (script === 'hang') {
      this.hanging.push(response);
      return;
    }
    response.writeHead(script.status ?? 200, script.headers ?? {});
    response.end(script.body ?? '');
  }
}
