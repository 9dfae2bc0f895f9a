import { decodeText, parseUdh } from '@smsgate/smpp';
import { FramedSimulator, SimulatorConnection } from './framed-simulator';
import {
  ackFields,
  encodeFrame,
  Fields5x,
  fieldsOf5x,
  gsmHex,
  nackFields,
  Op,
  read5x,
  readResult,
  readShortMessage,
  sctsOf,
  submitFields,
  ShortMessage,
  textOfIraHex,
  UcpDecodeError,
  UcpError,
  UcpFrame,
  UcpFramer,
  UcpResult,
} from '@smsgate/ucp';

/** What the simulator does with one operation 51. */
export interface UcpSubmitBehaviour {
  /** NACK with this error code instead of an ACK. */
  nack?: number;
  delayMs?: number;
  noResponse?: boolean;
  disconnect?: boolean;
  /** The notification (53) when NRq asked for one (default: Dst 0 delivered, right away); false: none. */
  notification?: { dst: 0 | 1 | 2; rsn?: string; delayMs?: number } | false;
  /** Send the notification before the ACK (the race receipts must survive). */
  notificationFirst?: boolean;
}

export interface UcpReceivedSubmit {
  fields: Fields5x;
  message: ShortMessage;
  /** The text: MT 3 decoded, or MT 4 as UCS-2 (DCS 8) or Latin-1; UDH stripped. */
  text: string;
  concatenation?: { reference: number; total: number; sequence: number };
  /** The id in the ACK's SM (`AdC:SCTS`). */
  messageId: string;
  scts: string;
  at: number;
}

export interface UcpSimulatorOptions {
  /** The account the login (operation 60) must name, and its password. */
  address?: string;
  password?: string;
  /** Decides per submit; default: ACK, notification Dst 0. */
  onSubmit?: (submit: UcpReceivedSubmit) => UcpSubmitBehaviour | undefined;
  /** Do not answer operation 31. */
  silent?: boolean;
  /** Keep submits for assertions (default true; benchmarks turn it off). */
  keepHistory?: boolean;
}

type Connection = SimulatorConnection<UcpFrame>;

/**
 * A UCP/EMI SMSC for tests and benchmarks: takes logins (operation 60), answers submits (51) with an
 * ACK whose SM is `AdC:SCTS` (or a NACK, a delay, silence), sends delivery notifications (53), delivers
 * MOs (52) and answers alerts (31), recording what it received for assertions.
 */
export class UcpSimulator extends FramedSimulator<UcpFrame> {
  readonly submits: UcpReceivedSubmit[] = [];
  readonly logins: { address: string; accepted: boolean }[] = [];
  /** Answers the client gave to our 52 and 53. */
  readonly answers: { ot: number; result: UcpResult }[] = [];
  /** Frames we could not read (each was NACKed). */
  readonly badFrames: string[] = [];
  alerts = 0;
  /** Submits received, kept or not. */
  received = 0;
  /** Notifications not acknowledged (the connection went): sent again after the next login, as SMSCs do. */
  private readonly owed: { submit: UcpReceivedSubmit; dst: 0 | 1 | 2; rsn?: string }[] = [];
  /** SCTS are whole seconds: each submit gets the next second of a clock of its own, so ids are unique. */
  private clock = Date.UTC(2026, 0, 1);

  constructor(public options: UcpSimulatorOptions = {}) {
    super();
  }

  /**
   * Delivers an MO (operation 52) on a logged-in connection and resolves with the client's answer.
   * `parts` splits a long text into UDH-concatenated parts (each answered); `ucs2` sends MT 4 with DCS 8.
   */
  async deliverMo(mo: {
    from: string;
    to: string;
    text: string;
    ucs2?: boolean;
    parts?: number;
  }): Promise<UcpResult[]> {
    const connection = this.firstLoggedIn();
    if (!connection) throw new Error('no client is logged in');
    const results: UcpResult[] = [];
    for (const part of FramedSimulator.moParts(mo.text, mo.parts, mo.ucs2)) {
      const fields = {
        ...submitFields({ adc: mo.to, oadc: mo.from, alphanumeric: false, ...part.content, udh: part.udh }),
        SCTS: sctsOf(new Date()),
      };
      results.push(readResult(await this.request(connection, Op.DELIVER, fields)));
    }
    return results;
  }

  /**
   * Sends a delivery notification (53) for a submit, as the SMSC would. One the client did not answer
   * before its connection went is sent again after its next login.
   */
  notify(submit: UcpReceivedSubmit, dst: 0 | 1 | 2, rsn = dst === 0 ? '000' : '107'): Promise<UcpResult> {
    const connection = this.firstLoggedIn();
    if (!connection) {
      this.owed.push({ submit, dst, rsn });
      return Promise.reject(new Error('no client is logged in'));
    }
    const words = ['delivered', 'buffered', 'not delivered'][dst];
    return this.request(connection, Op.NOTIFICATION, {
      AdC: submit.message.alphanumeric ? '' : submit.message.oadc,
      OAdC: submit.message.adc,
      SCTS: submit.scts,
      Dst: String(dst),
      Rsn: rsn,
      DSCTS: sctsOf(new Date()),
      MT: '3',
      Msg: gsmHex(`Message for ${submit.message.adc}, with identification ${submit.scts} has been ${words}`),
    }).then(readResult, (error: Error) => {
      if (error.message === 'connection closed') this.owed.push({ submit, dst, rsn });
      throw error;
    });
  }

  protected newFramer() {
    return new UcpFramer();
  }

  protected encode(frame: UcpFrame): Buffer {
    return encodeFrame(frame);
  }

  protected isFrame(item: unknown): item is UcpFrame {
    return !(item instanceof UcpDecodeError);
  }

  protected onBadFrame(connection: Connection, failure: unknown): void {
    const error = failure as UcpDecodeError;
    this.badFrames.push(error.message);
    if (error.header?.kind === 'O')
      this.write(connection, {
        trn: error.header.trn,
        kind: 'R',
        ot: error.header.ot,
        fields: nackFields(error.code),
      });
  }

  protected answerId(frame: UcpFrame): number | undefined {
    return frame.kind === 'R' ? frame.trn : undefined;
  }

  protected onAnswer(frame: UcpFrame): void {
    this.answers.push({ ot: frame.ot, result: readResult(frame) });
  }

  protected onRequest(connection: Connection, frame: UcpFrame): void {
    this.onOperation(connection, frame);
  }

  protected requestFrame(trn: number, ot: number, fields: unknown): UcpFrame {
    return { trn, kind: 'O', ot, fields: fieldsOf5x(fields as Fields5x) };
  }

  protected nextRequestId(trn: number): number {
    return (trn + 1) % 100;
  }

  private onOperation(connection: Connection, frame: UcpFrame): void {
    const reply = (fields: string[]) =>
      this.write(connection, { trn: frame.trn, kind: 'R', ot: frame.ot, fields });
    if (frame.ot === Op.SESSION) {
      const [address = '', , , , pwd = ''] = frame.fields;
      const accepted =
        (this.options.address === undefined || address === this.options.address) &&
        (this.options.password === undefined || textOfIraHex(pwd) === this.options.password);
      this.logins.push({ address, accepted });
      connection.loggedIn = accepted;
      reply(
        accepted
          ? ackFields(Op.SESSION, 'login ok')
          : nackFields(UcpError.AUTHENTICATION_FAILURE, 'login refused'),
      );
      if (accepted)
        for (const { submit, dst, rsn } of this.owed.splice(0))
          void this.notify(submit, dst, rsn).catch(() => undefined);
      return;
    }
    if (!connection.loggedIn) return reply(nackFields(UcpError.OPERATION_NOT_ALLOWED, 'log in first'));
    if (frame.ot === Op.ALERT) {
      this.alerts += 1;
      if (!this.options.silent) reply(ackFields(Op.ALERT));
      return;
    }
    if (frame.ot !== Op.SUBMIT) return reply(nackFields(UcpError.OPERATION_NOT_SUPPORTED));
    let fields: Fields5x;
    let message: ShortMessage;
    try {
      fields = read5x(frame.fields);
      message = readShortMessage(fields);
    } catch (error) {
      return reply(nackFields(UcpError.SYNTAX, (error as Error).message));
    }
    this.clock += 1_000;
    const scts = sctsOf(new Date(this.clock));
    // XSer 01 carries the whole user data header, its length octet (UDHL) first.
    const udh = message.udh ? parseUdh(message.udh) : undefined;
    const text = message.text ?? decodeText(message.data!, message.dcs ?? 0x04);
    const submit: UcpReceivedSubmit = {
      fields,
      message,
      text,
      ...(udh?.header.concatenation ? { concatenation: udh.header.concatenation } : {}),
      messageId: `${message.adc}:${scts}`,
      scts,
      at: Date.now(),
    };
    this.received += 1;
    if (this.options.keepHistory !== false) this.submits.push(submit);
    const behaviour = this.options.onSubmit?.(submit) ?? {};
    if (behaviour.disconnect) return void connection.socket.destroy();
    if (behaviour.noResponse) return;
    const notification =
      behaviour.notification === false ? undefined : (behaviour.notification ?? { dst: 0 as const });
    const notifyIfAsked = () => {
      if (!message.nrq || !notification || behaviour.nack) return;
      setTimeout(
        () => void this.notify(submit, notification.dst, notification.rsn).catch(() => undefined),
        notification.delayMs ?? 0,
      );
    };
    const answer = () => {
      if (behaviour.notificationFirst) notifyIfAsked();
      reply(behaviour.nack ? nackFields(behaviour.nack) : ackFields(Op.SUBMIT, submit.messageId));
      if (!behaviour.notificationFirst) notifyIfAsked();
    };
    if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
    else answer();
  }
}
