import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  /** X-Smsgate-Event-Id (the body's eventId when the header is missing). */
  eventId: string;
  /** The message id. */
  id: string;
  status: string;
  previousStatus: string;
  /** The change's detail, as JSON (a retry's `errored` names its attempt, …). */
  detail: string;
  at: number;
}

/** The notifyUrl of every message: records each status callback and answers 200. */
export class CallbackSink {
  readonly callbacks: ReceivedCallback[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        const header = request.headers['x-smsgate-event-id'];
        const text = (value: unknown) => (typeof value === 'string' ? value : '');
        this.callbacks.push({
          eventId: typeof header === 'string' ? header : text(body.eventId),
          id: text(body.id),
          status: text(body.status),
          previousStatus: text(body.previousStatus),
          detail: JSON.stringify(body.detail ?? null),
          at: Date.now(),
        });
      } catch {
        // not JSON: not ours to count
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });

  static async start(): Promise<CallbackSink> {
    const sink = new CallbackSink();
    sink.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/status`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
