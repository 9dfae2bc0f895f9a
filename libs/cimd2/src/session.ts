import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { connectSmsc, LinkAnswer, LinkRejectedError, LinkRetryableError, LinkSession } from '@smsgate/smsc';
import { CimdError, cimdErrorName } from './errors';
import { errorOf, Op, Param } from './operations';
import { CimdDecodeError, CimdFramer, CimdPacket, encodePacket, paramOf } from './packet';

/** What the application answers to an operation 20 or 23: a response, or one with an error code. */
export type CimdInboundAnswer = { ok: true } | { ok: false; code: number };

export type CimdInboundHandler = (packet: CimdPacket) => Promise<CimdInboundAnswer>;

/** A submit's parameters (operation 03). */
export type CimdSubmit = [number, string][];

export interface CimdSessionOptions {
  host: string;
  port: number;
  tls?: boolean | ConnectionOptions;
  userId: string;
  password: string;
  /** Submits in flight before the next waits (at most 128: our packet numbers are the odd ones). */
  window: number;
  responseTimeoutMs: number;
  /** Operation 40 this long after the last thing sent; 0: never. */
  aliveMs: number;
  connectTimeoutMs?: number;
  onInbound?: CimdInboundHandler;
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

interface Pending {
  op: number;
  resolve: (packet: CimdPacket) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  counts: boolean;
}

/**
 * One CIMD2 connection to an SMSC: logs in (01), keeps at most `window` submits (03) in flight under
 * odd packet numbers, sends alive (40) when idle (an unanswered one means the link is dead), answers
 * the SMSC's deliver message (20) and status report (23) through `onInbound` (the response only once it
 * resolved; with error code 900 when it says so), NACKs a packet with a bad checksum, and logs out (02)
 * on close.
 */
export class CimdSession implements LinkSession<CimdSubmit> {
  private readonly framer = new CimdFramer();
  private readonly pending = new Map<number, Pending>();
  private readonly windowWaiters: (() => void)[] = [];
  private nextSeq = 1;
  private windowUsed = 0;
  private aliveTimer?: NodeJS.Timeout;
  private closedReason?: string;
  private resolveClosed!: (reason: string) => void;
  readonly closed: Promise<string>;
  private inboundInFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly options: CimdSessionOptions,
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
    return this.windowUsed < Math.min(this.options.window, 128);
  }

  /** Connects and logs in. Throws LinkRejectedError when the SMSC refuses, LinkRetryableError otherwise. */
  static async open(options: CimdSessionOptions): Promise<CimdSession> {
    const socket = await connectSmsc(options, (reason) => new LinkRetryableError(reason));
    const session = new CimdSession(socket, options);
    let answer: CimdPacket;
    try {
      answer = await session.request(
        Op.LOGIN,
        [
          [Param.USER_IDENTITY, options.userId],
          [Param.PASSWORD, options.password],
        ],
        false,
      );
    } catch (error) {
      session.destroy('login failed');
      throw error instanceof LinkRetryableError ? error : new LinkRetryableError((error as Error).message);
    }
    const code = answer.op === Op.LOGIN + Op.RESPONSE ? errorOf(answer) : CimdError.SYNTAX;
    if (code !== undefined && code !== 0) {
      session.destroy(`login rejected: ${cimdErrorName(code)}`);
      throw new LinkRejectedError(code, cimdErrorName(code));
    }
    options.onEvent?.('bound', { userId: options.userId });
    session.scheduleAlive();
    return session;
  }

  /** Sends operation 03 once the window has room; resolves with the time stamp (the id) or the error. */
  async submit(params: CimdSubmit): Promise<LinkAnswer> {
    while (!this.hasFreeWindow) {
      if (!this.isOpen) throw new LinkRetryableError(this.closedReason ?? 'closed');
      await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
    }
    const answer = await this.request(Op.SUBMIT, params, true);
    if (answer.op !== Op.SUBMIT + Op.RESPONSE) {
      const code = errorOf(answer) ?? CimdError.SYNTAX;
      return { kind: 'refused', code, name: cimdErrorName(code) };
    }
    const code = errorOf(answer);
    if (code !== undefined && code !== 0) return { kind: 'refused', code, name: cimdErrorName(code) };
    const timestamp = paramOf(answer, Param.TIMESTAMP);
    const destination =
      paramOf(answer, Param.DESTINATION) ?? paramOf({ op: 0, seq: 0, params }, Param.DESTINATION) ?? '';
    if (!timestamp)
      return { kind: 'refused', code: CimdError.SYNTAX, name: 'submit response without a time stamp' };
    return { kind: 'accepted', messageId: `${destination}:${timestamp}` };
  }

  /** Logs out once the SMSC's requests in progress are answered. */
  async close(): Promise<void> {
    if (!this.isOpen) return;
    while (this.inboundInFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.request(Op.LOGOUT, [], false).catch(() => undefined);
    this.socket.end();
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    this.destroy('logged out');
  }

  destroy(reason: string): void {
    this.socket.destroy();
    this.terminate(reason);
  }

  private request(op: number, params: [number, string][], counts: boolean): Promise<CimdPacket> {
    if (!this.isOpen) return Promise.reject(new LinkRetryableError(this.closedReason ?? 'closed'));
    const seq = this.allocateSeq();
    if (seq === undefined) return Promise.reject(new LinkRetryableError('no free packet number'));
    return new Promise<CimdPacket>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        if (counts) this.release();
        reject(
          new LinkRetryableError(`no answer to operation ${op} within ${this.options.responseTimeoutMs} ms`),
        );
        this.options.onEvent?.('response-timeout', { op, seq });
        this.destroy(`operation ${op} unanswered`);
      }, this.options.responseTimeoutMs);
      if (counts) this.windowUsed += 1;
      this.pending.set(seq, { op, resolve, reject, timer, counts });
      this.write({ op, seq, params });
    });
  }

  /** Odd numbers 1-255, skipping those still waiting for their answer. */
  private allocateSeq(): number | undefined {
    for (let tries = 0; tries < 128; tries += 1) {
      const seq = this.nextSeq;
      this.nextSeq = this.nextSeq >= 255 ? 1 : this.nextSeq + 2;
      if (!this.pending.has(seq)) return seq;
    }
    return undefined;
  }

  private release(): void {
    this.windowUsed -= 1;
    this.windowWaiters.shift()?.();
  }

  private write(packet: CimdPacket): void {
    this.socket.write(encodePacket(packet));
    this.scheduleAlive();
  }

  private scheduleAlive(): void {
    if (!this.options.aliveMs || !this.isOpen) return;
    clearTimeout(this.aliveTimer);
    this.aliveTimer = setTimeout(() => {
      this.request(Op.ALIVE, [], false).catch(() => undefined);
    }, this.options.aliveMs);
    this.aliveTimer.unref();
  }

  private onData(chunk: Buffer): void {
    for (const item of this.framer.push(chunk)) {
      if (item instanceof CimdDecodeError) {
        this.options.onEvent?.('bad-packet', { reason: item.message });
        if (item.header && item.header.op < Op.RESPONSE)
          this.write({ op: Op.NACK, seq: item.header.seq, params: [] });
        continue;
      }
      if (item.op === Op.NACK || item.op === Op.GENERAL_ERROR || item.op >= Op.RESPONSE)
        this.onResponse(item);
      else void this.onRequest(item);
    }
  }

  private onResponse(packet: CimdPacket): void {
    const pending = this.pending.get(packet.seq);
    if (!pending) {
      this.options.onEvent?.('unexpected-response', { op: packet.op, seq: packet.seq });
      return;
    }
    clearTimeout(pending.timer);
    this.pending.delete(packet.seq);
    if (pending.counts) this.release();
    pending.resolve(packet);
  }

  private async onRequest(packet: CimdPacket): Promise<void> {
    const respond = (params: [number, string][] = []) => {
      if (this.isOpen) this.write({ op: packet.op + Op.RESPONSE, seq: packet.seq, params });
    };
    if (packet.op === Op.ALIVE) return respond();
    if (packet.op !== Op.DELIVER_MESSAGE && packet.op !== Op.DELIVER_STATUS_REPORT)
      return respond([[Param.ERROR_CODE, String(CimdError.UNEXPECTED_OPERATION)]]);
    this.inboundInFlight += 1;
    try {
      const result = this.options.onInbound
        ? await this.options
            .onInbound(packet)
            .catch((): CimdInboundAnswer => ({ ok: false, code: CimdError.GENERAL_SYSTEM_ERROR }))
        : ({ ok: false, code: CimdError.UNEXPECTED_OPERATION } as const);
      respond(result.ok ? [] : [[Param.ERROR_CODE, String(result.code)]]);
    } finally {
      this.inboundInFlight -= 1;
      if (this.inboundInFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private terminate(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    clearTimeout(this.aliveTimer);
    for (const [seq, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(seq);
      pending.reject(new LinkRetryableError(reason));
    }
    this.windowUsed = 0;
    for (const wake of this.windowWaiters.splice(0)) wake();
    for (const wake of this.idleWaiters.splice(0)) wake();
    this.options.onEvent?.('closed', { reason });
    this.resolveClosed(reason);
  }
}
