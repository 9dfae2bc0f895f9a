import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * RapidPro's side of an External API channel, as courier serves it: POST /c/ex/<uuid>/receive with
 * `from` (or `sender`), `text`, optional RFC 3339 `date` → 200 "Message Accepted"; POST
 * /c/ex/<uuid>/sent|delivered|failed with the message's `uuid` (or `id`) → 200 "Status Update Accepted"; a missing
 * field → 400 with courier's error body; an unknown channel → 400 "channel not found".
 */
export class FakeRapidPro {
  readonly received: { channel: string; from: string; text: string; date?: string }[] = [];
  readonly statuses: { channel: string; status: string; fields: Record<string, string> }[] = [];
  private failures: number[] = [];
  private port = 0;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [path, query] = (request.url ?? '').split('?');
      const fields = Object.fromEntries(
        new URLSearchParams([query ?? '', Buffer.concat(chunks).toString('utf8')].filter(Boolean).join('&')),
      );
      this.handle(request.method ?? '', path ?? '', fields, response);
    });
  });

  private constructor(readonly channels: Set<string>) {}

  static async start(...channels: string[]): Promise<FakeRapidPro> {
    const rapidpro = new FakeRapidPro(new Set(channels));
    await new Promise<void>((resolve) => rapidpro.server.listen(0, '127.0.0.1', resolve));
    rapidpro.port = (rapidpro.server.address() as AddressInfo).port;
    return rapidpro;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next requests answer these statuses (e.g. 503 while RapidPro is down). */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(
    method: string,
    path: string,
    fields: Record<string, string>,
    response: ServerResponse,
  ): void {
    const match = /^\/c\/ex\/([0-9a-f-]{36})\/(receive|sent|delivered|failed)$/.exec(path);
    if (!match || method !== 'POST') return error(response, 404, 'not found');
    const [, channel, action] = match as unknown as [string, string, string];
    if (!this.channels.has(channel)) return error(response, 400, 'channel not found');
    const failure = this.failures.shift();
    if (failure) return error(response, failure, 'scripted failure');
    if (action === 'receive') {
      const from = fields.from ?? fields.sender;
      if (!from) return error(response, 400, "must have one of 'sender' or 'from' set");
      if (fields.date && Number.isNaN(Date.parse(fields.date)))
        return error(response, 400, 'invalid date format, must be RFC 3339');
      this.received.push({ channel, from, text: fields.text ?? '', date: fields.date });
      return ok(response, 'Message Accepted', [{ type: 'msg', msg_uuid: randomUUID(), text: fields.text }]);
    }
    // Older courier names the message by `id`, newer by `uuid`.
    if (!fields.id && !fields.uuid) return error(response, 400, "field 'uuid' required");
    this.statuses.push({ channel, status: action, fields });
    ok(response, 'Status Update Accepted', [{ type: 'status', status: action[0].toUpperCase() }]);
  }
}

function ok(response: ServerResponse, message: string, data: object[]): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ message, data }));
}

function error(response: ServerResponse, status: number, reason: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ message: 'Error', data: [{ type: 'error', error: reason }] }));
}
