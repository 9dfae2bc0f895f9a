import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { parseUdh } from '@smsgate/smpp';
import {
  CimdDecodeError,
  CimdError,
  CimdFramer,
  CimdMessage,
  CimdPacket,
  cimdUserData,
  encodePacket,
  errorOf,
  Op,
  Param,
  paramOf,
  readMessage,
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

interface Connection {
  socket: Socket;
  framer: CimdFramer;
  loggedIn: boolean;
  nextSeq: number;
  pending: Map<number, { resolve: (packet: CimdPacket) => void; reject: (error: Error) => void }>;
}

/**
 * A CIMD2 SMSC for tests and benchmarks: takes logins (01), answers submits (03) with a time stamp
 * (or an error, a delay, silence), sends status reports (23), delivers MOs (20) and answers alive (40)
 * and logout (02), recording what it received for assertions.
 */
export class Cimd2Simulator {
  readonly submits: CimdReceivedSubmit[] = [];
  readonly logins: { userId: string; accepted: boolean }[] = [];
  /** The client's responses to our 20 and 23: the error code, or 0. */
  readonly answers: { op: number; error: number }[] = [];
  readonly badPackets: string[] = [];
  alives = 0;
  /** Submits received, kept or not. */
  received = 0;
  logouts = 0;
  private readonly connections = new Set<Connection>();
  /** Reports not answered (the connection went): sent again after the next login. */
  private readonly owed: { submit: CimdReceivedSubmit; status: number; errorCode?: string }[] = [];
  private server?: Server;
  /** Time stamps are whole seconds: each submit gets the next second of a clock of its own. */
  private clock = Date.UTC(2026, 0, 1);
  port = 0;

  constructor(public options: CimdSimulatorOptions = {}) {}

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

  dropConnections(): void {
    for (const connection of this.connections) connection.socket.destroy();
  }

  /** Delivers an MO (20) on a logged-in connection; resolves with the client's error code per part (0: taken). */
  async deliverMo(mo: {
    from: string;
    to: string;
    text: string;
    ucs2?: boolean;
    parts?: number;
  }): Promise<number[]> {
    const connection = [...this.connections].find((c) => c.loggedIn);
    if (!connection) throw new Error('no client is logged in');
    const characters = [...mo.text];
    const count = mo.parts ?? 1;
    const size = Math.ceil(characters.length / count);
    const reference = Math.floor(Math.random() * 256);
    const results: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const chunk = characters.slice(index * size, (index + 1) * size).join('');
      const params: [number, string][] = [
        [Param.DESTINATION, mo.to],
        [Param.ORIGINATOR, mo.from],
        [Param.TIMESTAMP, timestampOf(new Date())],
      ];
      if (count > 1)
        params.push([
          Param.USER_DATA_HEADER,
          Buffer.from([5, 0, 3, reference, count, index + 1])
            .toString('hex')
            .toUpperCase(),
        ]);
      if (mo.ucs2) {
        params.push([Param.DATA_CODING_SCHEME, '8']);
        params.push([
          Param.USER_DATA_BINARY,
          Buffer.from(chunk, 'utf16le').swap16().toString('hex').toUpperCase(),
        ]);
      } else params.push([Param.USER_DATA, cimdUserData(chunk)]);
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
    const connection = [...this.connections].find((c) => c.loggedIn);
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

  private accept(socket: Socket): void {
    const connection: Connection = {
      socket,
      framer: new CimdFramer(),
      loggedIn: false,
      nextSeq: 0,
      pending: new Map(),
    };
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const item of connection.framer.push(chunk)) {
        if (item instanceof CimdDecodeError) {
          this.badPackets.push(item.message);
          if (item.header) this.write(connection, { op: Op.NACK, seq: item.header.seq, params: [] });
          continue;
        }
        if (item.op >= Op.RESPONSE) {
          const resolve = connection.pending.get(item.seq)?.resolve;
          connection.pending.delete(item.seq);
          this.answers.push({ op: item.op, error: errorOf(item) ?? 0 });
          resolve?.(item);
        } else this.onRequest(connection, item);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connections.delete(connection);
      for (const { reject } of connection.pending.values()) reject(new Error('connection closed'));
      connection.pending.clear();
    });
  }

  private onRequest(connection: Connection, packet: CimdPacket): void {
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
    const ucs2 = ((message.dcs ?? 0) & 0x0c) === 0x08;
    const text =
      message.text ??
      (ucs2 ? Buffer.from(message.data!).swap16().toString('utf16le') : message.data!.toString('latin1'));
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

  private request(connection: Connection, op: number, params: [number, string][]): Promise<CimdPacket> {
    // The SMSC's own requests carry even packet numbers.
    const seq = connection.nextSeq;
    connection.nextSeq = connection.nextSeq >= 254 ? 0 : connection.nextSeq + 2;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.pending.delete(seq);
        reject(new Error(`operation ${op} (packet ${seq}) unanswered`));
      }, 10_000);
      connection.pending.set(seq, {
        resolve: (packet) => {
          clearTimeout(timer);
          resolve(packet);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.write(connection, { op, seq, params });
    });
  }

  private write(connection: Connection, packet: CimdPacket): void {
    if (!connection.socket.destroyed) connection.socket.write(encodePacket(packet));
  }
}
