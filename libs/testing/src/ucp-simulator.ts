import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { parseUdh } from '@smsgate/smpp';
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
  ShortMessage,
  textOfIraHex,
  UcpDecodeError,
  UcpError,
  UcpFrame,
  UcpFramer,
  UcpResult,
  encodeXSer,
  XSER_DCS,
  XSER_UDH,
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

interface Connection {
  socket: Socket;
  framer: UcpFramer;
  loggedIn: boolean;
  nextTrn: number;
  pending: Map<number, { resolve: (result: UcpResult) => void; reject: (error: Error) => void }>;
}

/**
 * A UCP/EMI SMSC for tests and benchmarks: takes logins (operation 60), answers submits (51) with an
 * ACK whose SM is `AdC:SCTS` (or a NACK, a delay, silence), sends delivery notifications (53), delivers
 * MOs (52) and answers alerts (31), recording what it received for assertions.
 */
export class UcpSimulator {
  readonly submits: UcpReceivedSubmit[] = [];
  readonly logins: { address: string; accepted: boolean }[] = [];
  /** Answers the client gave to our 52 and 53. */
  readonly answers: { ot: number; result: UcpResult }[] = [];
  /** Frames we could not read (each was NACKed). */
  readonly badFrames: string[] = [];
  alerts = 0;
  /** Submits received, kept or not. */
  received = 0;
  private readonly connections = new Set<Connection>();
  /** Notifications not acknowledged (the connection went): sent again after the next login, as SMSCs do. */
  private readonly owed: { submit: UcpReceivedSubmit; dst: 0 | 1 | 2; rsn?: string }[] = [];
  private server?: Server;
  /** SCTS are whole seconds: each submit gets the next second of a clock of its own, so ids are unique. */
  private clock = Date.UTC(2026, 0, 1);
  port = 0;

  constructor(public options: UcpSimulatorOptions = {}) {}

  get loggedIn(): number {
    return [...this.connections].filter((connection) => connection.loggedIn).length;
  }

  /** Listens on `port` (0: a free one); with `tls` (a certificate and key in PEM), over TLS. */
  async start(
    port = 0,
    host = '127.0.0.1',
    tls?: { cert: string | Buffer; key: string | Buffer },
  ): Promise<this> {
    this.server = tls
      ? createTlsServer(tls, (socket) => this.accept(socket))
      : createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Closes every connection (an SMSC restart, as clients see it). */
  dropConnections(): void {
    for (const connection of this.connections) connection.socket.destroy();
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
    const connection = [...this.connections].find((c) => c.loggedIn);
    if (!connection) throw new Error('no client is logged in');
    const characters = [...mo.text];
    const count = mo.parts ?? 1;
    const size = Math.ceil(characters.length / count);
    const reference = Math.floor(Math.random() * 256);
    const results: UcpResult[] = [];
    for (let index = 0; index < count; index += 1) {
      const chunk = characters.slice(index * size, (index + 1) * size).join('');
      const udh = count > 1 ? Buffer.from([5, 0, 3, reference, count, index + 1]) : undefined;
      const xser = [
        ...(udh ? [{ type: XSER_UDH, data: udh }] : []),
        ...(mo.ucs2 ? [{ type: XSER_DCS, data: Buffer.from([8]) }] : []),
      ];
      const fields: Fields5x = {
        AdC: mo.to,
        OAdC: mo.from,
        SCTS: sctsOf(new Date()),
        ...(xser.length > 0 ? { XSer: encodeXSer(xser) } : {}),
        ...(mo.ucs2
          ? (() => {
              const data = Buffer.from(chunk, 'utf16le').swap16();
              return {
                MT: '4',
                NB: String(data.length * 8).padStart(4, '0'),
                Msg: data.toString('hex').toUpperCase(),
              };
            })()
          : { MT: '3', Msg: gsmHex(chunk) }),
      };
      results.push(await this.request(connection, Op.DELIVER, fields));
    }
    return results;
  }

  /**
   * Sends a delivery notification (53) for a submit, as the SMSC would. One the client did not answer
   * before its connection went is sent again after its next login.
   */
  notify(submit: UcpReceivedSubmit, dst: 0 | 1 | 2, rsn = dst === 0 ? '000' : '107'): Promise<UcpResult> {
    const connection = [...this.connections].find((c) => c.loggedIn);
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
    }).catch((error: Error) => {
      if (error.message === 'connection closed') this.owed.push({ submit, dst, rsn });
      throw error;
    });
  }

  private accept(socket: Socket): void {
    const connection: Connection = {
      socket,
      framer: new UcpFramer(),
      loggedIn: false,
      nextTrn: 0,
      pending: new Map(),
    };
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const item of connection.framer.push(chunk)) {
        if (item instanceof UcpDecodeError) {
          this.badFrames.push(item.message);
          if (item.header?.kind === 'O')
            this.write(connection, {
              trn: item.header.trn,
              kind: 'R',
              ot: item.header.ot,
              fields: nackFields(item.code),
            });
          continue;
        }
        if (item.kind === 'R') {
          const resolve = connection.pending.get(item.trn)?.resolve;
          connection.pending.delete(item.trn);
          const result = readResult(item);
          this.answers.push({ ot: item.ot, result });
          resolve?.(result);
        } else this.onOperation(connection, item);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connections.delete(connection);
      for (const { reject } of connection.pending.values()) reject(new Error('connection closed'));
      connection.pending.clear();
    });
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
    const text =
      message.text ??
      (message.dcs === 8
        ? Buffer.from(message.data!).swap16().toString('utf16le')
        : message.data!.toString('latin1'));
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

  private request(connection: Connection, ot: number, fields: Fields5x): Promise<UcpResult> {
    const trn = connection.nextTrn;
    connection.nextTrn = (connection.nextTrn + 1) % 100;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.pending.delete(trn);
        reject(new Error(`operation ${ot} (TRN ${trn}) unanswered`));
      }, 10_000);
      connection.pending.set(trn, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.write(connection, { trn, kind: 'O', ot, fields: fieldsOf5x(fields) });
    });
  }

  private write(connection: Connection, frame: UcpFrame): void {
    if (!connection.socket.destroyed) connection.socket.write(encodeFrame(frame));
  }
}
