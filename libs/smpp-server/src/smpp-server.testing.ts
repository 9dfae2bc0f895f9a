import { connect, Socket } from 'node:net';
import {
  BindMode,
  decodePdu,
  encodePdu,
  INTERFACE_VERSION_34,
  Pdu,
  PduFramer,
  shortMessage,
  ShortMessagePdu,
  Status,
  UnknownPdu,
} from '@smsgate/smpp';
import type { AccountDirectory, Authentication, SmppAccount, SubmitRequest, SubmitSink } from './ports';
import { SmppServer, SmppServerOptions } from './server';

export const account = (fields: Partial<SmppAccount> = {}): SmppAccount => ({
  id: 'acc-1',
  workspaceId: 'ws-1',
  systemId: 'esme1',
  maxBinds: 5,
  tps: null,
  allowedSources: [],
  channelId: null,
  ...fields,
});

/** Accounts by system_id with their passwords and allowed modes. */
export class FakeDirectory implements AccountDirectory {
  readonly calls: { systemId: string; mode: BindMode; remoteAddress: string }[] = [];
  private readonly entries = new Map<
    string,
    { password: string; account: SmppAccount; modes?: BindMode[] }
  >();

  add(entry: { password: string; account: SmppAccount; modes?: BindMode[] }): this {
    this.entries.set(entry.account.systemId, entry);
    return this;
  }

  authenticate(
    systemId: string,
    password: string,
    mode: BindMode,
    remoteAddress: string,
  ): Promise<Authentication> {
    this.calls.push({ systemId, mode, remoteAddress });
    const entry = this.entries.get(systemId);
    if (!entry) return Promise.resolve({ ok: false as const, status: Status.ESME_RINVSYSID });
    if (entry.password !== password)
      return Promise.resolve({ ok: false as const, status: Status.ESME_RINVPASWD });
    if (entry.modes && !entry.modes.includes(mode))
      return Promise.resolve({ ok: false as const, status: Status.ESME_RBINDFAIL });
    return Promise.resolve({ ok: true as const, account: entry.account });
  }
}

type SinkAnswer = { ok: true; messageId: string } | { ok: false; status: number } | Error;

/** Accepts everything with ids `msg-1`, `msg-2`…, unless `answer` says otherwise; `hold` keeps answers back. */
export class FakeSink implements SubmitSink {
  readonly accepted: SubmitRequest[] = [];
  readonly received: SubmitRequest[] = [];
  hold = false;
  answer?: (submit: SubmitRequest) => SinkAnswer;
  private readonly held: (() => void)[] = [];

  accept(submit: SubmitRequest) {
    this.received.push(submit);
    return new Promise<{ ok: true; messageId: string } | { ok: false; status: number }>((resolve, reject) => {
      const settle = () => {
        const answer = this.answer?.(submit) ?? {
          ok: true,
          messageId: `msg-${this.received.indexOf(submit) + 1}`,
        };
        if (answer instanceof Error) return reject(answer);
        if (answer.ok) this.accepted.push(submit);
        resolve(answer);
      };
      if (this.hold) this.held.push(settle);
      else settle();
    });
  }

  get heldCount(): number {
    return this.held.length;
  }

  release(count = this.held.length): void {
    for (const settle of this.held.splice(0, count)) settle();
  }
}

export const SERVER_DEFAULTS = {
  systemId: 'smsgate',
  window: 10,
  idleTimeoutMs: 10_000,
  bindTimeoutMs: 10_000,
  responseTimeoutMs: 2_000,
  drainTimeoutMs: 2_000,
};

export async function startServer(
  options: Partial<SmppServerOptions> & Pick<SmppServerOptions, 'directory' | 'sink'>,
): Promise<{ server: SmppServer; port: number }> {
  const server = new SmppServer({ ...SERVER_DEFAULTS, ...options });
  const port = await server.listen(0, '127.0.0.1');
  return { server, port };
}

/** A bare ESME over TCP: sends PDUs (or raw bytes) and reads what the server sends, in order. */
export class RawClient {
  readonly received: (Pdu | UnknownPdu)[] = [];
  /** Raw frames as received (to check a response's length). */
  readonly frames: Buffer[] = [];
  readonly closed: Promise<void>;
  private readonly framer = new PduFramer();
  private readonly waiters: {
    match: (pdu: Pdu | UnknownPdu) => boolean;
    resolve: (pdu: Pdu | UnknownPdu) => void;
  }[] = [];
  private sequence = 0;
  private isClosed = false;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) {
        const pdu = decodePdu(frame);
        this.frames.push(Buffer.from(frame));
        this.received.push(pdu);
        const index = this.waiters.findIndex((waiter) => waiter.match(pdu));
        if (index >= 0) this.waiters.splice(index, 1)[0].resolve(pdu);
      }
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get open(): boolean {
    return !this.isClosed;
  }

  /** Sends with the next sequence number (unless the PDU has one) and returns it. */
  send(pdu: Pdu): number {
    const sequence = pdu.sequence || ++this.sequence;
    this.socket.write(encodePdu({ ...pdu, sequence }));
    return sequence;
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next PDU from the server matching `match` (already received or still to come). */
  waitFor(match: (pdu: Pdu | UnknownPdu) => boolean, timeoutMs = 3_000): Promise<Pdu | UnknownPdu> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching PDU from the server')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (pdu) => {
          clearTimeout(timer);
          resolve(pdu);
        },
      });
    });
  }

  /** Sends a request and resolves with the server's PDU of the same sequence number. */
  async request<T extends Pdu = Pdu>(pdu: Pdu): Promise<T> {
    const sequence = this.send(pdu);
    const answers = (answer: Pdu | UnknownPdu) =>
      answer.sequence === sequence && (answer.command.endsWith('_resp') || answer.command === 'generic_nack');
    return (await this.waitFor(answers)) as T;
  }

  bind(mode: BindMode, systemId: string, password: string): Promise<Pdu> {
    return this.request({
      command: `bind_${mode}`,
      status: 0,
      sequence: 0,
      systemId,
      password,
      systemType: '',
      interfaceVersion: INTERFACE_VERSION_34,
      addrTon: 0,
      addrNpi: 0,
      addressRange: '',
    });
  }

  submit(fields: Partial<ShortMessagePdu> = {}): Promise<Pdu> {
    return this.request(submitSm(fields));
  }

  close(): void {
    this.socket.destroy();
  }
}

export const submitSm = (fields: Partial<ShortMessagePdu> = {}): ShortMessagePdu =>
  shortMessage('submit_sm', {
    source: { ton: 5, npi: 0, addr: 'ACME' },
    destination: { ton: 1, npi: 1, addr: '254712345678' },
    shortMessage: Buffer.from('hello'),
    ...fields,
  });

export const until = async (condition: () => boolean, timeoutMs = 3_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
