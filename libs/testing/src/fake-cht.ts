import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A CHT instance as far as smsgate sees it, following cht-core's contracts:
 * - POST /api/v1/sms/radpidpro/incoming-messages (v1, CHT's spelling) and
 *   /api/v2/sms/rapidpro/incoming-messages: `Authorization: Token <key>` (none → 403 "Missing
 *   authorization token", wrong → 403 "Incorrect token"), body `{id, from, content}`; 200 `{"saved":1}`,
 *   and 400 "Message was not saved" when the id was saved before (CHT skips known ids).
 * - POST /api/sms (medic-gateway API, Basic auth of a gateway user, else 401): saves `messages` (known
 *   ids skipped), applies `updates` (PENDING → forwarded-by-gateway, SENT → sent, DELIVERED →
 *   delivered, FAILED → failed) and answers `{"messages":[{id,to,content}]}` with every outgoing message
 *   still pending or forwarded-to-gateway (it serves them again until it hears of them).
 * Errors are JSON `{code, error}` as CHT answers clients that accept JSON. `serves` says which
 * incoming-messages paths it has (CHT before 4.1 only v1); the others answer 404, as any unknown path.
 */
export class FakeCht {
  readonly saved = new Map<string, { from: string; content: string }>();
  readonly incomingRequests: { path: string; authorization?: string; body: string; status?: number }[] = [];
  readonly gatewayPolls: {
    messages: unknown[];
    updates: { id: string; status: string; reason?: string }[];
  }[] = [];
  readonly outgoing = new Map<string, { to: string; content: string; state: string; reason?: string }>();
  private readonly hanging: ServerResponse[] = [];
  private scripted: ('save-then-hang' | number)[] = [];
  /** The versions of the incoming-messages path served; change it to upgrade the CHT. */
  serves: ('v1' | 'v2')[] = ['v1', 'v2'];
  private port = 0;
  private readonly server: Server = createServer((request, response) => this.route(request, response));

  private constructor(
    readonly incomingKey: string,
    readonly gatewayUser = 'gateway',
    readonly gatewayPassword = 'gateway-pass',
  ) {}

  static async start(incomingKey: string): Promise<FakeCht> {
    const cht = new FakeCht(incomingKey);
    await new Promise<void>((resolve) => cht.server.listen(0, '127.0.0.1', resolve));
    cht.port = (cht.server.address() as AddressInfo).port;
    return cht;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next incoming-messages requests: save and never answer (a timeout), or answer a status. */
  script(...steps: ('save-then-hang' | number)[]): void {
    this.scripted.push(...steps);
  }

  /** A message CHT wants sent, served by the gateway API. */
  queueOutgoing(id: string, to: string, content: string): void {
    this.outgoing.set(id, { to, content, state: 'pending' });
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (request.url ?? '').split('?')[0];
      if (request.method === 'POST' && this.serves.some((version) => INCOMING_PATHS[version] === path))
        return this.incoming(path, request, body, response);
      if (Object.values(INCOMING_PATHS).includes(path))
        this.incomingRequests.push({ path, body, status: 404 });
      if (path === '/api/sms') return this.gateway(request, body, response);
      json(response, 404, { code: 404, error: 'Not found' });
    });
  }

  private incoming(path: string, request: IncomingMessage, body: string, response: ServerResponse): void {
    const record: (typeof this.incomingRequests)[number] = {
      path,
      authorization: request.headers.authorization,
      body,
    };
    this.incomingRequests.push(record);
    const answer = (status: number, payload: object) => {
      record.status = status;
      json(response, status, payload);
    };
    let parsed: { id?: unknown; from?: unknown; content?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return answer(400, { code: 400, error: 'Request body is required' });
    }
    const match = /^Token\s+(.*)$/.exec(request.headers.authorization ?? '');
    if (!match) return answer(403, { code: 403, error: 'Missing authorization token' });
    if (match[1] !== this.incomingKey) return answer(403, { code: 403, error: 'Incorrect token' });
    const step = this.scripted.shift();
    if (typeof step === 'number') return answer(step, { code: step, error: 'scripted failure' });
    const id = String(parsed.id);
    if (this.saved.has(id) || typeof parsed.from !== 'string' || typeof parsed.content !== 'string')
      return answer(400, { code: 400, error: 'Message was not saved' });
    this.saved.set(id, { from: parsed.from, content: parsed.content });
    if (step === 'save-then-hang') {
      this.hanging.push(response);
      return;
    }
    answer(200, { saved: 1 });
  }

  private gateway(request: IncomingMessage, body: string, response: ServerResponse): void {
    const expected = `Basic ${Buffer.from(`${this.gatewayUser}:${this.gatewayPassword}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      response.writeHead(401, {
        'content-type': 'text/plain',
        'www-authenticate': 'Basic realm="Medic Web Services"',
      });
      response.end('not logged in');
      return;
    }
    if (request.method === 'GET') return json(response, 200, { 'medic-gateway': true });
    const parsed = JSON.parse(body) as {
      messages?: { id: string; from?: string; content?: string }[];
      updates?: { id: string; status: string; reason?: string }[];
    };
    this.gatewayPolls.push({ messages: parsed.messages ?? [], updates: parsed.updates ?? [] });
    for (const message of parsed.messages ?? []) {
      if (message.from === undefined || message.content === undefined) continue;
      if (!this.saved.has(message.id))
        this.saved.set(message.id, { from: message.from, content: message.content });
    }
    const states: Record<string, string> = {
      UNSENT: 'received-by-gateway',
      PENDING: 'forwarded-by-gateway',
      SENT: 'sent',
      DELIVERED: 'delivered',
      FAILED: 'failed',
    };
    for (const update of parsed.updates ?? []) {
      const message = this.outgoing.get(update.id);
      if (message) {
        message.state = states[update.status] ?? 'unrecognised';
        message.reason = update.reason;
      }
    }
    const serve = [...this.outgoing].filter(
      ([, m]) => m.state === 'pending' || m.state === 'forwarded-to-gateway',
    );
    for (const [, message] of serve) message.state = 'forwarded-to-gateway';
    json(response, 200, { messages: serve.map(([id, m]) => ({ id, to: m.to, content: m.content })) });
  }
}

const INCOMING_PATHS: Record<string, string> = {
  v1: '/api/v1/sms/radpidpro/incoming-messages',
  v2: '/api/v2/sms/rapidpro/incoming-messages',
};

function json(response: ServerResponse, status: number, payload: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(payload));
}

/** CHT's mapping of RapidPro statuses to its message states (api/src/services/rapidpro.js). */
const RAPIDPRO_STATES: Record<string, string> = {
  queued: 'received-by-gateway',
  wired: 'forwarded-by-gateway',
  sent: 'sent',
  delivered: 'delivered',
  resent: 'sent',
  errored: 'received-by-gateway',
  failed: 'failed',
};

/**
 * CHT's `rapidpro` outgoing service, as cht-core calls RapidPro: POST /api/v2/broadcasts.json with
 * `{"urns":["tel:<to>"],"text":<content>}` (a 400 marks the message failed; other errors leave it for
 * the next run), and GET /api/v2/messages.json?broadcast=<gateway_ref> for its state.
 */
export class ChtRapidProClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiToken: string,
  ) {}

  async send(message: {
    to: string;
    content: string;
  }): Promise<{ state: string; gatewayRef?: number } | undefined> {
    const response = await fetch(`${this.baseUrl}/api/v2/broadcasts.json`, {
      method: 'POST',
      headers: {
        authorization: `Token ${this.apiToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ urns: [`tel:${message.to}`], text: message.content }),
    });
    if (response.status === 400) return { state: 'failed' };
    if (response.status >= 300) return undefined;
    const result = (await response.json()) as { id: number; status?: string };
    return {
      state: RAPIDPRO_STATES[result.status ?? 'queued'] ?? 'received-by-gateway',
      gatewayRef: result.id,
    };
  }

  async state(gatewayRef: number): Promise<string | undefined> {
    const response = await fetch(`${this.baseUrl}/api/v2/messages.json?broadcast=${gatewayRef}`, {
      headers: { authorization: `Token ${this.apiToken}`, accept: 'application/json' },
    });
    if (response.status !== 200) return undefined;
    const body = (await response.json()) as { results?: { status?: string }[] };
    const first = body.results?.[0];
    if (!first) return undefined;
    return RAPIDPRO_STATES[first.status ?? 'queued'] ?? 'received-by-gateway';
  }
}
