import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { connectSmsc, LinkAnswer, LinkConnection, LinkRetryableError, LinkSession } from '@smsgate/smsc';
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
  UcpResult,
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

/**
 * One UCP/EMI connection to an SMSC: logs in with operation 60, keeps at most `window` operations 51
 * in flight under distinct TRNs, sends operation 31 when idle (an unanswered one means the link is
 * dead), and answers the SMSC's operations: 52 and 53 through `onInbound` (ACK only once it resolved
 * ok), 31 with an ACK, anything else or an unreadable frame with a NACK.
 */
export class UcpSession extends LinkConnection<UcpFrame> implements LinkSession<Fields5x> {
  private readonly framer = new UcpFramer();
  private nextTrn = 0;

  private constructor(
    socket: Socket,
    private readonly options: UcpSessionOptions,
  ) {
    super(
      socket,
      {
        window: options.window,
        responseTimeoutMs: options.responseTimeoutMs,
        keepAliveMs: options.keepAliveMs,
        onEvent: options.onEvent,
      },
      100,
    );
  }

  /** Connects and logs in. Throws LinkRejectedError when the SMSC refuses, LinkRetryableError otherwise. */
  static async open(options: UcpSessionOptions): Promise<UcpSession> {
    const socket = await connectSmsc(options, (reason) => new LinkRetryableError(reason));
    const session = new UcpSession(socket, options);
    await session.logIn(
      Op.SESSION,
      loginFields({ address: options.address, password: options.password }),
      (answer) => {
        const result = safeResult(answer);
        return result.ok ? undefined : { code: result.code, name: ucpErrorName(result.code) };
      },
    );
    options.onEvent?.('bound', { address: options.address });
    return session;
  }

  /** Sends operation 51 once the window has room; resolves with the SMSC's ACK (its SM is the id) or NACK. */
  async submit(fields: Fields5x): Promise<LinkAnswer> {
    await this.windowPlace();
    const result = safeResult(await this.request(Op.SUBMIT, fieldsOf5x(fields), true));
    if (result.ok) return { kind: 'accepted', messageId: result.sm };
    return { kind: 'refused', code: result.code, name: ucpErrorName(result.code) };
  }

  /** Closes once the SMSC's operations in progress are answered (EMI has no logout). */
  close(): Promise<void> {
    return this.closeGracefully();
  }

  protected allocate(inUse: (trn: number) => boolean): number | undefined {
    for (let tries = 0; tries < 100; tries += 1) {
      const trn = this.nextTrn;
      this.nextTrn = (this.nextTrn + 1) % 100;
      if (!inUse(trn)) return trn;
    }
    return undefined;
  }

  protected send(trn: number, ot: number, fields: unknown): void {
    this.write({ trn, kind: 'O', ot, fields: fields as string[] });
  }

  protected keepAlive(): Promise<unknown> {
    return this.request(Op.ALERT, alertFields(this.options.address), false);
  }

  protected onData(chunk: Buffer): void {
    for (const item of this.framer.push(chunk)) {
      if (item instanceof UcpDecodeError) {
        this.options.onEvent?.('bad-frame', { reason: item.message });
        // An operation we cannot read is NACKed under its TRN, so the SMSC does not wait for ever.
        if (item.header?.kind === 'O')
          this.write({ trn: item.header.trn, kind: 'R', ot: item.header.ot, fields: nackFields(item.code) });
        continue;
      }
      if (item.kind === 'R') {
        if (!this.answered(item.trn, item))
          this.options.onEvent?.('unexpected-result', { trn: item.trn, ot: item.ot });
      } else void this.onOperation(item);
    }
  }

  private write(frame: UcpFrame): void {
    this.socket.write(encodeFrame(frame));
    this.sent();
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
    await this.handling(async () => {
      const result = this.options.onInbound
        ? await this.options
            .onInbound(frame.ot as 52 | 53, fields)
            .catch((): UcpInboundAnswer => ({ ok: false, code: UcpError.SYNTAX }))
        : ({ ok: false, code: UcpError.OPERATION_NOT_ALLOWED } as const);
      answer(result.ok ? ackFields(frame.ot) : nackFields(result.code));
    });
  }
}

function safeResult(frame: UcpFrame): UcpResult {
  try {
    return readResult(frame);
  } catch (error) {
    return { ok: false, code: UcpError.SYNTAX, sm: (error as Error).message };
  }
}
