import { decodeText, parseUdh } from '@smsgate/smpp';
import { FramedSimulator, SimulatorConnection } from './framed-simulator';
import {
  CimdDecodeError,
  CimdError,
  CimdFramer,
  CimdMessage,
  CimdPacket,
  encodePacket,
  errorOf,
  Op,
  Param,
  paramOf,
  readMessage,
  submitParams,
  timestampOf,
} from '@smsgate/cimd2';

/** What the simulator does with one submit (03). */
export interface CimdSubmitBehaviour {
  /** Answer with this error code (900) instead of accepting. */
  error?: number;
  delayMs?: number;
  noResponse?: boolean;
  disconnect?: boolean;
  /** The status report (23) when the submit asked for one (default: status 4, delivered, at once); false: none. */
  report?: { status: number; errorCode?: string; delayMs?: number } | false;
  /** Send the report before the submit response. */
  reportFirst?: boolean;
}

export interface CimdReceivedSubmit {
  packet: CimdPacket;
  message: CimdMessage;
  /** The text: 033 decoded, or 034 as UCS-2 (DCS 8) or Latin-1; UDH stripped. */
  text: string;
  concatenation?: { reference: number; total: number; sequence: number };
  /** The id the response gives: `destination:timestamp`. */
  messageId: string;
  timestamp: string;
  at: number;
}

export interface CimdSimulatorOptions {
  userId?: string;
  password?: string;
  onSubmit?: (submit: CimdReceivedSubmit) => CimdSubmitBehaviour | undefined;
  /** Do not answer alive (40). */
  silent?: boolean;
  /** Keep submits for assertions (default true; benchmarks turn it off). */
  keepHistory?: boolean;
}

type Connection = SimulatorConnection<CimdPacket>;

/**
 * A CIMD2 SMSC for tests and benchmarks: takes logins (01), answers submits (03) with a time stamp
 * (or an error, a delay, silence), sends status reports (23), delivers MOs (20) and answers alive (40)
 * and logout (02), recording what it received for assertions.
 */
export class Cimd2Simulator extends FramedSimulator<CimdPacket> {
  readonly submits: CimdReceivedSubmit[] = [];
  readonly logins: { userId: string; accepted: boolean }[] = [];
  /** The client's responses to our 20 and 23: the error code, or 0. */
  readonly answers: { op: number; error: number }[] = [];
  readonly badPackets: string[] = [];
  alives = 0;
  /** Submits received, kept or not. */
  received = 0;
  logouts = 0;
  /** Reports not answered (the connection went): sent again after the next login. */
  private readonly owed: { submit: CimdReceivedSubmit; status: number; errorCode?: string }[] = [];
  /** Time stamps are whole seconds: each submit gets the next second of a clock of its own. */
  private clock = Date.UTC(2026, 0, 1);

  constructor(public options: CimdSimulatorOptions = {}) {
    super();
  }

  /** Delivers an MO (20) on a logged-in connection; resolves with the client's error code per part (0: taken). */
  async deliverMo(mo: {
    from: string;
    to: string;
    text: string;
    ucs2?: boolean;
    parts?: number;
  }): Promise<number[]> {
    const connection = this.firstLoggedIn();
    if (!connection) throw new Error('no client is logged in');
    const results: number[] = [];
    for (const part of FramedSimulator.moParts(mo.text, mo.parts, mo.ucs2)) {
      const params: [number, string][] = [
        ...submitParams({
          destination: mo.to,
          originator: mo.from,
          alphanumeric: false,
          ...part.content,
          udh: part.udh,
        }),
        [Param.TIMESTAMP, timestampOf(new Date())],
      ];
      const answer = await this.request(connection, Op.DELIVER_MESSAGE, params);
      results.push(errorOf(answer) ?? 0);
    }
    return results;
  }

  /**
   * Sends a status report (23) for a submit. One the client did not answer before its connection went
   * is sent again after its next login, as SMSCs do.
   */
  async report(submit: CimdReceivedSubmit, status: number, errorCode?: string): Promise<number> {
    const connection = this.firstLoggedIn();
    if (!connection) {
      this.owed.push({ submit, status, errorCode });
      throw new Error('no client is logged in');
    }
    const answer = await this.request(connection, Op.DELIVER_STATUS_REPORT, [
      [Param.DESTINATION, submit.message.destination],
      [Param.TIMESTAMP, submit.timestamp],
      [Param.STATUS_CODE, String(status)],
      ...(errorCode ? [[Param.STATUS_ERROR_CODE, errorCode] as [number, string]] : []),
      [Param.DISCHARGE_TIME, timestampOf(new Date())],
    ]).catch((error: Error) => {
      if (error.message === 'connection closed') this.owed.push({ submit, status, errorCode });
      throw error;
    });
    return errorOf(answer) ?? 0;
  }

  protected newFramer() {
    return new CimdFramer();
  }

  protected encode(packet: CimdPacket): Buffer {
    return encodePacket(packet);
  }

  protected isFrame(item: unknown): item is CimdPacket {
    return !(item instanceof CimdDecodeError);
  }

  protected onBadFrame(connection: Connection, failure: unknown): void {
    const error = failure as CimdDecodeError;
    this.badPackets.push(error.message);
    if (error.header) this.write(connection, { op: Op.NACK, seq: error.header.seq, params: [] });
  }

  protected answerId(packet: CimdPacket): number | undefined {
    return packet.op >= Op.RESPONSE ? packet.seq : undefined;
  }

  protected onAnswer(packet: CimdPacket): void {
    this.answers.push({ op: packet.op, error: errorOf(packet) ?? 0 });
  }

  protected requestFrame(seq: number, op: number, params: unknown): CimdPacket {
    return { op, seq, params: params as [number, string][] };
  }

  /** The SMSC's own requests carry even packet numbers. */
  protected nextRequestId(seq: number): number {
    return seq >= 254 ? 0 : seq + 2;
  }

  protected onRequest(connection: Connection, packet: CimdPacket): void {
    const respond = (params: [number, string][] = []) =>
      this.write(connection, { op: packet.op + Op.RESPONSE, seq: packet.seq, params });
    const refuse = (code: number) => respond([[Param.ERROR_CODE, String(code)]]);
    if (packet.op === Op.LOGIN) {
      const userId = paramOf(packet, Param.USER_IDENTITY) ?? '';
      const accepted =
        (this.options.userId === undefined || userId === this.options.userId) &&
        (this.options.password === undefined || paramOf(packet, Param.PASSWORD) === this.options.password);
      this.logins.push({ userId, accepted });
      connection.loggedIn = accepted;
      if (!accepted) return refuse(CimdError.INVALID_LOGIN);
      respond();
      for (const owed of this.owed.splice(0))
        void this.report(owed.submit, owed.status, owed.errorCode).catch(() => undefined);
      return;
    }
    if (!connection.loggedIn) return refuse(CimdError.UNEXPECTED_OPERATION);
    if (packet.op === Op.ALIVE) {
      this.alives += 1;
      if (!this.options.silent) respond();
      return;
    }
    if (packet.op === Op.LOGOUT) {
      this.logouts += 1;
      respond();
      connection.loggedIn = false;
      return;
    }
    if (packet.op !== Op.SUBMIT) return refuse(CimdError.UNEXPECTED_OPERATION);
    let message: CimdMessage;
    try {
      message = readMessage(packet);
    } catch {
      return refuse(CimdError.SYNTAX);
    }
    this.clock += 1_000;
    const timestamp = timestampOf(new Date(this.clock));
    const udh = message.udh ? parseUdh(message.udh) : undefined;
    const text = message.text ?? decodeText(message.data!, message.dcs ?? 0x04);
    const submit: CimdReceivedSubmit = {
      packet,
      message,
      text,
      ...(udh?.header.concatenation ? { concatenation: udh.header.concatenation } : {}),
      messageId: `${message.destination}:${timestamp}`,
      timestamp,
      at: Date.now(),
    };
    this.received += 1;
    if (this.options.keepHistory !== false) this.submits.push(submit);
    const behaviour = this.options.onSubmit?.(submit) ?? {};
    if (behaviour.disconnect) return void connection.socket.destroy();
    if (behaviour.noResponse) return;
    const report = behaviour.report === false ? undefined : (behaviour.report ?? { status: 4 });
    const wanted = (message.statusReportRequest ?? 0) !== 0;
    const reportIfAsked = () => {
      if (!wanted || !report || behaviour.error) return;
      setTimeout(
        () => void this.report(submit, report.status, report.errorCode).catch(() => undefined),
        report.delayMs ?? 0,
      );
    };
    const answer = () => {
      if (behaviour.reportFirst) reportIfAsked();
      if (behaviour.error) refuse(behaviour.error);
      else
        respond([
          [Param.DESTINATION, message.destination],
          [Param.TIMESTAMP, timestamp],
        ]);
      if (!behaviour.reportFirst) reportIfAsked();
    };
    if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
    else answer();
  }
}
