import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { connectSmsc, LinkAnswer, LinkRejectedError, LinkRetryableError, LinkSession } from '@smsgate/smsc';
import { ucpErrorName, UcpError } from './errors';
import { encodeFrame, UcpDecodeError, UcpFrame, UcpFramer } from './frame';
import {
  ackFields,
  alertFields,
  Fields5x,
  fieldsOf5x,
  loginFields,
  nackFields,
  Op,
  read5x,
  readResult,
} from './operations';

/** What the application answers to an operation 52 or 53: ACK only once the event is durable. */
export type UcpInboundAnswer = { ok: true } | { ok: false; code: number };

export type UcpInboundHandler = (ot: 52 | 53, fields: Fields5x) => Promise<UcpInboundAnswer>;

export interface UcpSessionOptions {
  host: string;
  port: number;
  tls?: boolean | ConnectionOptions;
  /** The account's address (OAdC of operation 60) and password. */
  address: string;
  password: string;
  /** Operations 51 in flight before the next waits (at most 100: TRNs are 00-99). */
  window: number;
  /** Any request unanswered this long closes the session. */
  responseTimeoutMs: number;
  /** Operation 31 this long after the last thing sent; 0: never. */
  keepAliveMs: number;
  connectTimeoutMs?: number;
  onInbound?: UcpInboundHandler;
  /** Diagnostics, never with the password. */
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

interface Pending {
  ot: number;
  resolve: (frame: UcpFrame) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  counts: boolean;
}

/**
 * One UCP/EMI connection to an SMSC: logs in with operation 60, keeps at most `window` operations 51
 * in flight under distinct TRNs, sends operation 31 when idle (an unanswered one means the link is
 * dead), and answers the SMSC's operations: 52 and 53 through `onInbound` (ACK only once it resolved
 * ok), 31 with an ACK, anything else or an unreadable frame with a NACK.
 */
export class UcpSession implements LinkSession<Fields5x> {
  private readonly framer = new UcpFramer();
  private readonly pending = new Map<number, Pending>();
  private readonly windowWaiters: (() => void)[] = [];
  private nextTrn = 0;
  private windowUsed = 0;
  private keepAliveTimer?: NodeJS.Timeout;
  private closedReason?: string;
  private resolveClosed!: (reason: string) => void;
  readonly closed: Promise<string>;
  private inboundInFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly options: UcpSessionOptions,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.terminate(`socket error: ${error.message}`));
    socket.on('close', () => this.terminate('connection closed'));
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  get outstanding(): number {
    return this.windowUsed;
  }

  get hasFreeWindow(): boolean {
    return this.windowUsed < Math.min(this.options.window, 100);
  }

  /** Connects and logs in. Throws LinkRejectedError when the SMSC refuses, LinkRetryableError otherwise. */
  static async open(options: UcpSessionOptions): Promise<UcpSession> {
    const socket = await connectSocket(options);
    const session = new UcpSession(socket, options);
    let answer: UcpFrame;
    try {
      answer = await session.request(
        Op.SESSION,
        loginFields({ address: options.address, password: options.password }),
        false,
      );
    } catch (error) {
      session.destroy('login failed');
      throw error instanceof LinkRetryableError ? error : new LinkRetryableError((error as Error).message);
    }
    const result = safeResult(answer);
    if (!result.ok) {
      session.destroy(`login rejected: ${ucpErrorName(result.code)}`);
      throw new LinkRejectedError(result.code, ucpErrorName(result.code));
    }
    options.onEvent?.('bound', { address: options.address });
    session.scheduleKeepAlive();
    return session;
  }

  /** Sends operation 51 once the window has room; resolves with the SMSC's ACK (its SM is the id) or NACK. */
  async submit(fields: Fields5x): Promise<LinkAnswer> {
    while (!this.hasFreeWindow) {
      if (!this.isOpen) throw new LinkRetryableError(this.closedReason ?? 'closed');
      await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
    }
    const frame = await this.request(Op.SUBMIT, fieldsOf5x(fields), true);
    const result = safeResult(frame);
    if (result.ok) return { kind: 'accepted', messageId: result.sm };
    return { kind: 'refused', code: result.code, name: ucpErrorName(result.code) };
  }

  /** Closes once the SMSC's operations in progress are answered (EMI has no logout). */
  async close(): Promise<void> {
    if (!this.isOpen) return;
    while (this.inboundInFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.socket.end();
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    this.destroy('closed');
  }

  destroy(reason: string): void {
    this.socket.destroy();
    this.terminate(reason);
  }

  private request(ot: number, fields: string[], counts: boolean): Promise<UcpFrame> {
    if (!this.isOpen) return Promise.reject(new LinkRetryableError(this.closedReason ?? 'closed'));
    const trn = this.allocateTrn();
    if (trn === undefined) return Promise.reject(new LinkRetryableError('no free transaction reference'));
    return new Promise<UcpFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(trn);
        if (counts) this.release();
        reject(
          new LinkRetryableError(`no answer to operation ${ot} within ${this.options.responseTimeoutMs} ms`),
        );
        this.options.onEvent?.('response-timeout', { ot, trn });
        this.destroy(`operation ${ot} unanswered`);
      }, this.options.responseTimeoutMs);
      if (counts) this.windowUsed += 1;
      this.pending.set(trn, { ot, resolve, reject, timer, counts });
      this.write({ trn, kind: 'O', ot, fields });
    });
  }

  private allocateTrn(): number | undefined {
    for (let tries = 0; tries < 100; tries += 1) {
      const trn = this.nextTrn;
      this.nextTrn = (this.nextTrn + 1) % 100;
      if (!this.pending.has(trn)) return trn;
    }
    return undefined;
  }

  private release(): void {
    this.windowUsed -= 1;
    this.windowWaiters.shift()?.();
  }

  private write(frame: UcpFrame): void {
    this.socket.write(encodeFrame(frame));
    this.scheduleKeepAlive();
  }

  private scheduleKeepAlive(): void {
    if (!this.options.keepAliveMs || !this.isOpen) return;
    clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = setTimeout(() => {
      this.request(Op.ALERT, alertFields(this.options.address), false).catch(() => undefined);
    }, this.options.keepAliveMs);
    this.keepAliveTimer.unref();
  }

  private onData(chunk: Buffer): void {
    for (const item of this.framer.push(chunk)) {
      if (item instanceof UcpDecodeError) {
        this.options.onEvent?.('bad-frame', { reason: item.message });
        // An operation we cannot read is NACKed under its TRN, so the SMSC does not wait for ever.
        if (item.header?.kind === 'O')
          this.write({ trn: item.header.trn, kind: 'R', ot: item.header.ot, fields: nackFields(item.code) });
        continue;
      }
      if (item.kind === 'R') this.onResult(item);
      else void this.onOperation(item);
    }
  }

  private onResult(frame: UcpFrame): void {
    const pending = this.pending.get(frame.trn);
    if (!pending || pending.ot !== frame.ot) {
      this.options.onEvent?.('unexpected-result', { trn: frame.trn, ot: frame.ot });
      return;
    }
    clearTimeout(pending.timer);
    this.pending.delete(frame.trn);
    if (pending.counts) this.release();
    pending.resolve(frame);
  }

  private async onOperation(frame: UcpFrame): Promise<void> {
    const answer = (fields: string[]) => {
      if (this.isOpen) this.write({ trn: frame.trn, kind: 'R', ot: frame.ot, fields });
    };
    if (frame.ot === Op.ALERT) return answer(ackFields(frame.ot));
    if (frame.ot !== Op.DELIVER && frame.ot !== Op.NOTIFICATION)
      return answer(nackFields(UcpError.OPERATION_NOT_SUPPORTED));
    let fields: Fields5x;
    try {
      fields = read5x(frame.fields);
    } catch {
      return answer(nackFields(UcpError.SYNTAX));
    }
    this.inboundInFlight += 1;
    try {
      const result = this.options.onInbound
        ? await this.options
            .onInbound(frame.ot, fields)
            .catch((): UcpInboundAnswer => ({ ok: false, code: UcpError.SYNTAX }))
        : ({ ok: false, code: UcpError.OPERATION_NOT_ALLOWED } as const);
      answer(result.ok ? ackFields(frame.ot) : nackFields(result.code));
    } finally {
      this.inboundInFlight -= 1;
      if (this.inboundInFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private terminate(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    clearTimeout(this.keepAliveTimer);
    for (const [trn, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(trn);
      pending.reject(new LinkRetryableError(reason));
    }
    this.windowUsed = 0;
    for (const wake of this.windowWaiters.splice(0)) wake();
    for (const wake of this.idleWaiters.splice(0)) wake();
    this.options.onEvent?.('closed', { reason });
    this.resolveClosed(reason);
  }
}

function safeResult(frame: UcpFrame) {
  try {
    return readResult(frame);
  } catch (error) {
    return { ok: false as const, code: UcpError.SYNTAX, sm: (error as Error).message };
  }
}

const connectSocket = (options: UcpSessionOptions): Promise<Socket> =>
  connectSmsc(options, (reason) => new LinkRetryableError(reason));
