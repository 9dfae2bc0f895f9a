import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { connectSmsc, LinkAnswer, LinkConnection, LinkRetryableError, LinkSession } from '@smsgate/smsc';
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

/**
 * One CIMD2 connection to an SMSC: logs in (01), keeps at most `window` submits (03) in flight under
 * odd packet numbers, sends alive (40) when idle (an unanswered one means the link is dead), answers
 * the SMSC's deliver message (20) and status report (23) through `onInbound` (the response only once it
 * resolved; with error code 900 when it says so), NACKs a packet with a bad checksum, and logs out (02)
 * on close.
 */
export class CimdSession extends LinkConnection<CimdPacket> implements LinkSession<CimdSubmit> {
  private readonly framer = new CimdFramer();
  private nextSeq = 1;

  private constructor(
    socket: Socket,
    private readonly options: CimdSessionOptions,
  ) {
    super(
      socket,
      {
        window: options.window,
        responseTimeoutMs: options.responseTimeoutMs,
        keepAliveMs: options.aliveMs,
        onEvent: options.onEvent,
      },
      128,
    );
  }

  /** Connects and logs in. Throws LinkRejectedError when the SMSC refuses, LinkRetryableError otherwise. */
  static async open(options: CimdSessionOptions): Promise<CimdSession> {
    const socket = await connectSmsc(options, (reason) => new LinkRetryableError(reason));
    const session = new CimdSession(socket, options);
    await session.logIn(
      Op.LOGIN,
      [
        [Param.USER_IDENTITY, options.userId],
        [Param.PASSWORD, options.password],
      ],
      (answer) => {
        const code = answer.op === Op.LOGIN + Op.RESPONSE ? errorOf(answer) : CimdError.SYNTAX;
        return code !== undefined && code !== 0 ? { code, name: cimdErrorName(code) } : undefined;
      },
    );
    options.onEvent?.('bound', { userId: options.userId });
    return session;
  }

  /** Sends operation 03 once the window has room; resolves with the time stamp (the id) or the error. */
  async submit(params: CimdSubmit): Promise<LinkAnswer> {
    await this.windowPlace();
    const answer = await this.request(Op.SUBMIT, params, true);
    const code =
      answer.op === Op.SUBMIT + Op.RESPONSE ? errorOf(answer) : (errorOf(answer) ?? CimdError.SYNTAX);
    if (code !== undefined && code !== 0) return { kind: 'refused', code, name: cimdErrorName(code) };
    const timestamp = paramOf(answer, Param.TIMESTAMP);
    const destination =
      paramOf(answer, Param.DESTINATION) ??
      params.find(([parameter]) => parameter === Param.DESTINATION)?.[1] ??
      '';
    if (!timestamp)
      return { kind: 'refused', code: CimdError.SYNTAX, name: 'submit response without a time stamp' };
    return { kind: 'accepted', messageId: `${destination}:${timestamp}` };
  }

  /** Logs out once the SMSC's requests in progress are answered. */
  close(): Promise<void> {
    return this.closeGracefully(() => this.request(Op.LOGOUT, [], false));
  }

  /** Odd numbers 1-255, skipping those still waiting for their answer. */
  protected allocate(inUse: (seq: number) => boolean): number | undefined {
    for (let tries = 0; tries < 128; tries += 1) {
      const seq = this.nextSeq;
      this.nextSeq = this.nextSeq >= 255 ? 1 : this.nextSeq + 2;
      if (!inUse(seq)) return seq;
    }
    return undefined;
  }

  protected send(seq: number, op: number, params: unknown): void {
    this.write({ op, seq, params: params as [number, string][] });
  }

  protected keepAlive(): Promise<unknown> {
    return this.request(Op.ALIVE, [], false);
  }

  protected onData(chunk: Buffer): void {
    for (const item of this.framer.push(chunk)) {
      if (item instanceof CimdDecodeError) {
        this.options.onEvent?.('bad-packet', { reason: item.message });
        if (item.header && item.header.op < Op.RESPONSE)
          this.write({ op: Op.NACK, seq: item.header.seq, params: [] });
        continue;
      }
      if (item.op === Op.NACK || item.op === Op.GENERAL_ERROR || item.op >= Op.RESPONSE) {
        if (!this.answered(item.seq, item))
          this.options.onEvent?.('unexpected-response', { op: item.op, seq: item.seq });
      } else void this.onRequest(item);
    }
  }

  private write(packet: CimdPacket): void {
    this.socket.write(encodePacket(packet));
    this.sent();
  }

  private async onRequest(packet: CimdPacket): Promise<void> {
    const respond = (params: [number, string][] = []) => {
      if (this.isOpen) this.write({ op: packet.op + Op.RESPONSE, seq: packet.seq, params });
    };
    if (packet.op === Op.ALIVE) return respond();
    if (packet.op !== Op.DELIVER_MESSAGE && packet.op !== Op.DELIVER_STATUS_REPORT)
      return respond([[Param.ERROR_CODE, String(CimdError.UNEXPECTED_OPERATION)]]);
    await this.handling(async () => {
      const result = this.options.onInbound
        ? await this.options
            .onInbound(packet)
            .catch((): CimdInboundAnswer => ({ ok: false, code: CimdError.GENERAL_SYSTEM_ERROR }))
        : ({ ok: false, code: CimdError.UNEXPECTED_OPERATION } as const);
      respond(result.ok ? [] : [[Param.ERROR_CODE, String(result.code)]]);
    });
  }
}
