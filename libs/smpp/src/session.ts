import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { connectSmsc } from '@smsgate/smsc';
import { decodePdu, encodePdu, PduFramer, SmppDecodeError } from './codec';
import { INTERFACE_VERSION_34, Status, statusName } from './constants';
import type {
  BindCommand,
  BindRespPdu,
  DataSmPdu,
  MessageIdRespPdu,
  Pdu,
  ShortMessagePdu,
  UnknownPdu,
} from './pdu';

export type BindMode = 'transceiver' | 'transmitter' | 'receiver';

/** What the application answers to a deliver_sm / data_sm: ESME_ROK only once the event is durable. */
export interface InboundAnswer {
  status: number;
  messageId?: string;
}

export type InboundHandler = (pdu: ShortMessagePdu | DataSmPdu) => Promise<InboundAnswer>;

export interface SessionOptions {
  host: string;
  port: number;
  /** true, or Node TLS options (ca, servername, rejectUnauthorized…), for SMPP over TLS. */
  tls?: boolean | ConnectionOptions;
  mode: BindMode;
  systemId: string;
  password: string;
  systemType?: string;
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
  /** submit_sm in flight before the next waits for a response. */
  window: number;
  /** Any request unanswered this long closes the session (the bind is recycled). */
  responseTimeoutMs: number;
  /** enquire_link every this many ms; an unanswered one closes the session (a silent SMSC is dead). */
  enquireLinkMs: number;
  connectTimeoutMs?: number;
  onInbound?: InboundHandler;
  /** Diagnostics (never with the password). */
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

/** The SMSC answered the bind with an error: wrong credentials or not allowed; retrying will not help. */
export class BindRejectedError extends Error {
  constructor(readonly status: number) {
    super(`bind rejected: ${statusName(status)}`);
    this.name = 'BindRejectedError';
  }
}

/** The connection ended (or was never made) before the request was answered. */
export class SessionClosedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SessionClosedError';
  }
}

/** No response within responseTimeoutMs; the session closes itself and the request may be retried. */
export class ResponseTimeoutError extends Error {
  constructor(command: string, ms: number) {
    super(`no ${command}_resp within ${ms} ms`);
    this.name = 'ResponseTimeoutError';
  }
}

interface Pending {
  command: string;
  resolve: (pdu: Pdu) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  counts: boolean;
}

const MAX_SEQUENCE = 0x7fffffff;

/**
 * One SMPP bind: a TCP (or TLS) connection, bound as transceiver, transmitter or receiver. Keeps at
 * most `window` submit_sm outstanding, times out requests (closing the session: an SMSC that does
 * not answer one request cannot be trusted with the next), sends enquire_link and treats an
 * unanswered one as a dead link, and answers the SMSC's requests — deliver_sm and data_sm through
 * `onInbound`, whose status it sends only once the handler resolved.
 */
export class SmppSession {
  private readonly framer = new PduFramer();
  private readonly pending = new Map<number, Pending>();
  private readonly windowWaiters: (() => void)[] = [];
  private sequence = 0;
  private windowUsed = 0;
  private enquireTimer?: NodeJS.Timeout;
  private closedReason?: string;
  private resolveClosed!: (reason: string) => void;
  /** Resolves with the reason once the connection is gone. */
  readonly closed: Promise<string>;
  /** Requests from the SMSC being handled: a graceful close waits for their answers. */
  private inboundInFlight = 0;

  private constructor(
    private readonly socket: Socket,
    readonly options: SessionOptions,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.terminate(`socket error: ${error.message}`));
    socket.on('close', () => this.terminate('connection closed'));
  }

  get mode(): BindMode {
    return this.options.mode;
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  /** submit_sm awaiting their response. */
  get outstanding(): number {
    return this.windowUsed;
  }

  get hasFreeWindow(): boolean {
    return this.windowUsed < this.options.window;
  }

  /** Connects and binds. Throws BindRejectedError when the SMSC refuses, SessionClosedError otherwise. */
  static async open(options: SessionOptions): Promise<SmppSession> {
    const socket = await connectSocket(options);
    const session = new SmppSession(socket, options);
    const command: BindCommand = `bind_${options.mode}`;
    let response: Pdu;
    try {
      response = await session.request({
        command,
        status: 0,
        sequence: 0,
        systemId: options.systemId,
        password: options.password,
        systemType: options.systemType ?? '',
        interfaceVersion: INTERFACE_VERSION_34,
        addrTon: options.addrTon ?? 0,
        addrNpi: options.addrNpi ?? 0,
        addressRange: options.addressRange ?? '',
      });
    } catch (error) {
      session.destroy('bind failed');
      throw error instanceof SessionClosedError ? error : new SessionClosedError((error as Error).message);
    }
    if (response.status !== Status.ESME_ROK) {
      session.destroy(`bind rejected: ${statusName(response.status)}`);
      throw new BindRejectedError(response.status);
    }
    session.options.onEvent?.('bound', { systemId: (response as BindRespPdu).systemId, mode: options.mode });
    session.scheduleEnquireLink();
    return session;
  }

  /**
   * Sends a submit_sm once the window has room and resolves with its response, whatever its
   * status. Rejects with SessionClosedError or ResponseTimeoutError: the SMSC may or may not have
   * the message, and the caller retries it.
   */
  async submit(pdu: ShortMessagePdu): Promise<MessageIdRespPdu> {
    while (this.windowUsed >= this.options.window) {
      if (!this.isOpen) throw new SessionClosedError(this.closedReason ?? 'closed');
      await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
    }
    if (!this.isOpen) throw new SessionClosedError(this.closedReason ?? 'closed');
    this.windowUsed += 1;
    const response = await this.request(pdu, true);
    return response.command === 'submit_sm_resp'
      ? response
      : {
          command: 'submit_sm_resp',
          status: response.status || Status.ESME_RSYSERR,
          sequence: response.sequence,
          messageId: '',
          optional: {},
        };
  }

  async enquireLink(): Promise<void> {
    await this.request({ command: 'enquire_link', status: 0, sequence: 0 });
  }

  /**
   * Unbinds and closes: waits for the answers to inbound requests being handled and for the SMSC's
   * unbind_resp (bounded by the response timeout), then ends the connection.
   */
  async close(): Promise<void> {
    if (!this.isOpen) return;
    clearTimeout(this.enquireTimer);
    const deadline = Date.now() + this.options.responseTimeoutMs;
    while (this.inboundInFlight > 0 && Date.now() < deadline && this.isOpen) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (this.isOpen) await this.request({ command: 'unbind', status: 0, sequence: 0 }).catch(() => undefined);
    this.destroy('unbound');
  }

  destroy(reason: string): void {
    this.terminate(reason);
    this.socket.destroy();
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= MAX_SEQUENCE ? 1 : this.sequence + 1;
    return this.sequence;
  }

  private request(pdu: Pdu, countsInWindow = false): Promise<Pdu> {
    return new Promise<Pdu>((resolve, reject) => {
      if (!this.isOpen) {
        if (countsInWindow) this.releaseWindow();
        reject(new SessionClosedError(this.closedReason ?? 'closed'));
        return;
      }
      const sequence = this.nextSequence();
      const timer = setTimeout(() => {
        const error = new ResponseTimeoutError(pdu.command, this.options.responseTimeoutMs);
        this.settle(sequence)?.reject(error);
        this.options.onEvent?.('response-timeout', { command: pdu.command, sequence });
        this.destroy(error.message);
      }, this.options.responseTimeoutMs);
      this.pending.set(sequence, { command: pdu.command, resolve, reject, timer, counts: countsInWindow });
      this.write({ ...pdu, sequence });
    });
  }

  private settle(sequence: number): Pending | undefined {
    const pending = this.pending.get(sequence);
    if (!pending) return undefined;
    this.pending.delete(sequence);
    clearTimeout(pending.timer);
    if (pending.counts) this.releaseWindow();
    return pending;
  }

  private releaseWindow(): void {
    this.windowUsed -= 1;
    this.windowWaiters.shift()?.();
  }

  private write(pdu: Pdu): void {
    if (!this.isOpen) return;
    this.socket.write(encodePdu(pdu));
  }

  private scheduleEnquireLink(): void {
    clearTimeout(this.enquireTimer);
    if (!this.isOpen) return;
    this.enquireTimer = setTimeout(() => {
      // An unanswered enquire_link times out and closes the session inside request().
      this.enquireLink().then(
        () => this.scheduleEnquireLink(),
        () => undefined,
      );
    }, this.options.enquireLinkMs);
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (error) {
      this.options.onEvent?.('framing-lost', { reason: (error as Error).message });
      this.destroy(`framing lost: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      let pdu: Pdu | UnknownPdu;
      try {
        pdu = decodePdu(frame);
      } catch (error) {
        const decodeError = error as SmppDecodeError;
        this.options.onEvent?.('invalid-pdu', { reason: decodeError.message });
        if (decodeError.sequence !== undefined && !decodeError.fatal) {
          this.write({
            command: 'generic_nack',
            status: Status.ESME_RINVMSGLEN,
            sequence: decodeError.sequence,
          });
          continue;
        }
        this.destroy(`invalid PDU: ${decodeError.message}`);
        return;
      }
      this.onPdu(pdu);
    }
  }

  private onPdu(pdu: Pdu | UnknownPdu): void {
    switch (pdu.command) {
      case 'unknown':
        if ((pdu.commandId & 0x80000000) === 0) {
          this.write({ command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: pdu.sequence });
        }
        return;
      case 'enquire_link':
        this.write({ command: 'enquire_link_resp', status: 0, sequence: pdu.sequence });
        return;
      case 'unbind':
        this.write({ command: 'unbind_resp', status: 0, sequence: pdu.sequence });
        this.options.onEvent?.('unbound-by-smsc', {});
        this.destroy('unbound by the SMSC');
        return;
      case 'deliver_sm':
      case 'data_sm':
        this.onInbound(pdu);
        return;
      case 'generic_nack':
        // A nack of one of our requests answers it with an error status; sequence 0 names none.
        this.settle(pdu.sequence)?.resolve(pdu);
        return;
      case 'submit_sm':
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'bind_transceiver':
        // Requests only an ESME sends: the SMSC is confused, say so.
        this.write({ command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: pdu.sequence });
        return;
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
      case 'bind_transceiver_resp':
      case 'submit_sm_resp':
      case 'deliver_sm_resp':
      case 'data_sm_resp':
      case 'enquire_link_resp':
      case 'unbind_resp': {
        const pending = this.settle(pdu.sequence);
        if (pending) pending.resolve(pdu);
        else this.options.onEvent?.('unexpected-response', { command: pdu.command, sequence: pdu.sequence });
        return;
      }
    }
  }

  private onInbound(pdu: ShortMessagePdu | DataSmPdu): void {
    const respond = (answer: InboundAnswer) =>
      this.write({
        command: pdu.command === 'deliver_sm' ? 'deliver_sm_resp' : 'data_sm_resp',
        status: answer.status,
        sequence: pdu.sequence,
        messageId: answer.messageId ?? '',
        optional: {},
      });
    const handler = this.options.onInbound;
    if (!handler) {
      respond({ status: Status.ESME_RX_T_APPN });
      return;
    }
    this.inboundInFlight += 1;
    handler(pdu)
      .catch((error: unknown) => {
        this.options.onEvent?.('inbound-failed', {
          reason: error instanceof Error ? error.message : String(error),
        });
        return { status: Status.ESME_RX_T_APPN };
      })
      .then(respond)
      .finally(() => (this.inboundInFlight -= 1))
      .catch(() => undefined);
  }

  private terminate(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    clearTimeout(this.enquireTimer);
    for (const sequence of [...this.pending.keys()]) {
      this.settle(sequence)?.reject(new SessionClosedError(reason));
    }
    for (const waiter of this.windowWaiters.splice(0)) waiter();
    this.options.onEvent?.('closed', { reason });
    this.resolveClosed(reason);
  }
}

const connectSocket = (options: SessionOptions): Promise<Socket> =>
  connectSmsc(options, (reason) => new SessionClosedError(reason));
