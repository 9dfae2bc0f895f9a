import { AddressInfo, createServer, Server, Socket } from 'node:net';
import {
  Address,
  BindPdu,
  decodePdu,
  decodeText,
  encodePdu,
  encodeText,
  formatReceiptText,
  parseUdh,
  Pdu,
  PduFramer,
  shortMessage,
  ShortMessagePdu,
  Status,
  concatenationUdh,
} from '@smsgate/smpp';

/** What the simulator does with one submit_sm. */
export interface SubmitBehaviour {
  /** command_status of the response (default ESME_ROK). */
  status?: number;
  /** Answer after this many ms. */
  delayMs?: number;
  /** Never answer. */
  noResponse?: boolean;
  /** Answer only when the test calls `releaseHeld()`. */
  hold?: boolean;
  /** Close the connection instead of answering. */
  disconnect?: boolean;
  /** Receipt to send when registered_delivery asks for one (default: DELIVRD right away). */
  receipt?: { stat: string; err?: string; delayMs?: number } | false;
  /** Send the receipt before the submit_sm_resp (the race dlr-tracker reconciles). */
  receiptFirst?: boolean;
}

export interface ReceivedSubmit {
  pdu: ShortMessagePdu;
  messageId: string;
  /** Decoded user data (UDH stripped). */
  text: string;
  concatenation?: { reference: number; total: number; sequence: number };
  systemId: string;
  at: number;
}

type BindMode = 'transceiver' | 'transmitter' | 'receiver';

export interface BindAttempt {
  mode: BindMode;
  systemId: string;
  accepted: boolean;
}

export interface SimulatorOptions {
  systemId?: string;
  password?: string;
  /** Bind modes accepted (default all). */
  allowModes?: BindMode[];
  /** Binds accepted at once; more are refused with ESME_RBINDFAIL. */
  maxBinds?: number;
  /** Binds accepted at once per system_id, as a real SMSC's bind limit per account. */
  maxBindsPerSystemId?: number;
  /**
   * Message ids in submit_sm_resp: hex (default, 8 upper-case digits at least), decimal, or hex16
   * (16 lower-case digits); receipts may use another (receiptIdFormat).
   */
  idFormat?: 'hex' | 'decimal' | 'hex16';
  receiptIdFormat?: 'hex' | 'decimal';
  /** The first message id given (default 0x10000); a restarted SMSC must not hand out its old ids. */
  firstMessageId?: number;
  /** Do not answer enquire_link (a silent SMSC). */
  silent?: boolean;
  /** How long after the submit_sm_resp a receipt goes, unless the submit's behaviour says (default 0). */
  receiptDelayMs?: number;
  /** Keep submits, deliver_sm answers and bind attempts for assertions (default true). */
  keepHistory?: boolean;
  /** Decides per submit; default accepts with a DELIVRD receipt. */
  onSubmit?: (submit: ReceivedSubmit) => SubmitBehaviour | undefined;
  /** Told of every bind attempt, accepted or not. */
  onBind?: (attempt: BindAttempt) => void;
}

interface Connection {
  socket: Socket;
  mode?: BindMode;
  systemId: string;
  sequence: number;
  pending: Map<number, { resolve: (pdu: Pdu) => void; reject: (error: Error) => void }>;
}

/**
 * The SMSC of our own, for tests, benchmarks, the fault suite and the compose demo (tools/smpp-simulator.mjs
 * runs it as a process): accepts binds (or refuses them), answers submit_sm (with configurable status,
 * delay, silence or disconnect), sends delivery receipts, and delivers MO messages (plain or
 * concatenated) to receiving binds, recording everything for assertions.
 */
export class SmscSimulator {
  readonly submits: ReceivedSubmit[] = [];
  /** Statuses of our deliver_sm as answered by the ESME. */
  readonly deliverResponses: { sequence: number; status: number }[] = [];
  readonly bindAttempts: BindAttempt[] = [];
  /** Answers of held submits, in arrival order. */
  readonly held: (() => void)[] = [];
  /** submit_sm received from a bind that may submit, answered or not. */
  received = 0;
  /** Delivery receipts sent. */
  receiptsSent = 0;
  private readonly connections = new Set<Connection>();
  private nextId: number;
  private server?: Server;
  port = 0;

  constructor(public options: SimulatorOptions = {}) {
    this.nextId = options.firstMessageId ?? 0x10000;
  }

  get boundCount(): number {
    return [...this.connections].filter((connection) => connection.mode).length;
  }

  /** Open binds by system_id. */
  bindsBySystemId(): Record<string, number> {
    const binds: Record<string, number> = {};
    for (const { mode, systemId } of this.connections) if (mode) binds[systemId] = (binds[systemId] ?? 0) + 1;
    return binds;
  }

  receivers(): Connection[] {
    return [...this.connections].filter((c) => c.mode === 'receiver' || c.mode === 'transceiver');
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answers the first `count` held submits. */
  releaseHeld(count = this.held.length): void {
    for (const respond of this.held.splice(0, count)) respond();
  }

  /** Closes every connection (a network loss or an SMSC restart). */
  dropConnections(): void {
    for (const connection of this.connections) connection.socket.destroy();
    this.connections.clear();
  }

  /**
   * Sends an MO message to a receiving bind and resolves with the ESME's deliver_sm_resp status of
   * each part. Long text goes as concatenated parts (UDH 8/16-bit or SAR).
   */
  async deliverMo(mo: {
    from: Address;
    to: Address;
    text: string;
    encoding?: 'gsm7' | 'latin1' | 'ucs2';
    concat?: 'udh8' | 'udh16' | 'sar';
    partSize?: number;
    reference?: number;
    /** Deliver these part indexes only (to test reassembly timeouts). */
    onlyParts?: number[];
  }): Promise<number[]> {
    const encoding = mo.encoding ?? 'gsm7';
    const dataCoding = { gsm7: 0, latin1: 3, ucs2: 8 }[encoding];
    const characters = [...mo.text];
    const size = mo.partSize ?? (encoding === 'ucs2' ? 67 : 153);
    const chunks: string[] = [];
    for (let index = 0; index < characters.length; index += size)
      chunks.push(characters.slice(index, index + size).join(''));
    if (chunks.length === 0) chunks.push('');
    const reference = mo.reference ?? Math.floor(Math.random() * 255);
    const statuses: number[] = [];
    for (const [index, chunk] of chunks.entries()) {
      if (mo.onlyParts && !mo.onlyParts.includes(index)) continue;
      const body = encodeText(chunk, encoding);
      const part = { reference, total: chunks.length, sequence: index + 1 };
      const concat = chunks.length > 1 ? (mo.concat ?? 'udh8') : undefined;
      const pdu = shortMessage('deliver_sm', {
        source: mo.from,
        destination: mo.to,
        dataCoding,
        esmClass: concat === 'udh8' || concat === 'udh16' ? 0x40 : 0,
        shortMessage:
          concat === 'udh8' || concat === 'udh16'
            ? Buffer.concat([concatenationUdh(part, concat === 'udh8' ? 8 : 16), body])
            : body,
        optional:
          concat === 'sar'
            ? { sarMsgRefNum: reference, sarTotalSegments: part.total, sarSegmentSeqnum: part.sequence }
            : {},
      });
      statuses.push(await this.deliver(pdu));
    }
    return statuses;
  }

  /** Sends a deliver_sm to the first receiving bind and resolves with the answer's status. */
  async deliver(pdu: ShortMessagePdu): Promise<number> {
    const connection = this.receivers()[0];
    if (!connection) throw new Error('no receiving bind');
    const response = await this.request(connection, pdu);
    this.recordDeliverResponse(response);
    return response.status;
  }

  private request(connection: Connection, pdu: Pdu): Promise<Pdu> {
    connection.sequence += 1;
    const sequence = connection.sequence;
    return new Promise((resolve, reject) => {
      connection.pending.set(sequence, { resolve, reject });
      connection.socket.write(encodePdu({ ...pdu, sequence }));
    });
  }

  private accept(socket: Socket): void {
    const connection: Connection = { socket, systemId: '', sequence: 0, pending: new Map() };
    this.connections.add(connection);
    const framer = new PduFramer();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of framer.push(chunk)) {
          const pdu = decodePdu(frame);
          if (pdu.command !== 'unknown') this.onPdu(connection, pdu);
          else if ((pdu.commandId & GENERIC_NACK) === 0)
            this.send(connection, {
              command: 'generic_nack',
              status: Status.ESME_RINVCMDID,
              sequence: pdu.sequence,
            });
        }
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connections.delete(connection);
      for (const { reject } of connection.pending.values())
        reject(new Error('connection closed before the answer'));
      connection.pending.clear();
    });
  }

  private send(connection: Connection, pdu: Pdu): void {
    if (!connection.socket.destroyed) connection.socket.write(encodePdu(pdu));
  }

  private onPdu(connection: Connection, pdu: Pdu): void {
    // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- responses share the default
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        return this.onBind(connection, pdu);
      case 'enquire_link':
        if (!this.options.silent)
          this.send(connection, { command: 'enquire_link_resp', status: 0, sequence: pdu.sequence });
        return;
      case 'unbind':
        this.send(connection, { command: 'unbind_resp', status: 0, sequence: pdu.sequence });
        connection.socket.end();
        return;
      case 'submit_sm':
        return this.onSubmit(connection, pdu);
      default: {
        const pending = connection.pending.get(pdu.sequence);
        connection.pending.delete(pdu.sequence);
        pending?.resolve(pdu);
      }
    }
  }

  private onBind(connection: Connection, pdu: BindPdu): void {
    const mode = pdu.command.replace('bind_', '') as BindMode;
    const { systemId = pdu.systemId, password = pdu.password, allowModes, maxBinds } = this.options;
    const perSystemId = this.options.maxBindsPerSystemId;
    let status: number = Status.ESME_ROK;
    if (connection.mode) status = Status.ESME_RALYBND;
    else if (pdu.systemId !== systemId) status = Status.ESME_RINVSYSID;
    else if (pdu.password !== password) status = Status.ESME_RINVPASWD;
    else if (allowModes && !allowModes.includes(mode)) status = Status.ESME_RBINDFAIL;
    else if (maxBinds !== undefined && this.boundCount >= maxBinds) status = Status.ESME_RBINDFAIL;
    else if (perSystemId !== undefined && (this.bindsBySystemId()[pdu.systemId] ?? 0) >= perSystemId)
      status = Status.ESME_RBINDFAIL;
    const attempt = { mode, systemId: pdu.systemId, accepted: status === 0 };
    if (this.options.keepHistory !== false) this.bindAttempts.push(attempt);
    this.send(connection, {
      command: `${pdu.command}_resp`,
      status,
      sequence: pdu.sequence,
      systemId: 'SIMSMSC',
      optional: {},
    });
    if (status === 0) {
      connection.mode = mode;
      connection.systemId = pdu.systemId;
    } else if (status !== Status.ESME_RALYBND) connection.socket.end();
    this.options.onBind?.(attempt);
  }

  private onSubmit(connection: Connection, pdu: ShortMessagePdu): void {
    if (connection.mode !== 'transceiver' && connection.mode !== 'transmitter') {
      this.send(connection, {
        command: 'submit_sm_resp',
        status: Status.ESME_RINVBNDSTS,
        sequence: pdu.sequence,
        messageId: '',
        optional: {},
      });
      return;
    }
    const id = this.nextId++;
    const messageId = formatId(id, this.options.idFormat);
    const udh = pdu.esmClass & 0x40 ? parseUdh(pdu.shortMessage) : undefined;
    const user =
      pdu.shortMessage.length === 0 && pdu.optional.messagePayload
        ? pdu.optional.messagePayload
        : (udh?.data ?? pdu.shortMessage);
    const submit: ReceivedSubmit = {
      pdu,
      messageId,
      text: decodeText(user, pdu.dataCoding),
      ...(udh?.header.concatenation ? { concatenation: udh.header.concatenation } : {}),
      systemId: connection.systemId,
      at: Date.now(),
    };
    this.received += 1;
    const behaviour = this.options.onSubmit?.(submit) ?? {};
    const status = behaviour.status ?? Status.ESME_ROK;
    if (status === Status.ESME_ROK && this.options.keepHistory !== false) this.submits.push(submit);
    if (behaviour.disconnect) {
      connection.socket.destroy();
      return;
    }
    if (behaviour.noResponse) return;
    const answer = () =>
      this.send(connection, {
        command: 'submit_sm_resp',
        status,
        sequence: pdu.sequence,
        messageId,
        optional: {},
      });
    const receipt = behaviour.receipt === false ? undefined : (behaviour.receipt ?? { stat: 'DELIVRD' });
    const wantsReceipt = status === Status.ESME_ROK && (pdu.registeredDelivery & 0x03) !== 0;
    const sendReceipt = () => {
      if (!wantsReceipt || !receipt) return;
      // A transceiver gets its receipts itself; a transmitter's go to a receiver of the same account.
      const target =
        connection.mode === 'transceiver'
          ? connection
          : this.receivers().find((c) => c.systemId === connection.systemId && c.mode === 'receiver');
      if (!target || target.socket.destroyed) return;
      const receiptId =
        this.options.receiptIdFormat === 'decimal'
          ? String(id)
          : this.options.receiptIdFormat === 'hex'
            ? id.toString(16)
            : messageId;
      const text = formatReceiptText({
        messageId: receiptId,
        stat: receipt.stat,
        err: receipt.err,
        submitDate: new Date(submit.at),
        doneDate: new Date(),
        text: submit.text,
      });
      const deliver = shortMessage('deliver_sm', {
        source: pdu.destination,
        destination: pdu.source,
        esmClass: 0x04,
        shortMessage: Buffer.from(text, 'latin1'),
        optional: { receiptedMessageId: receiptId, messageState: STATE_OF[receipt.stat] ?? 7 },
      });
      this.receiptsSent += 1;
      this.request(target, deliver).then(
        (response) => this.recordDeliverResponse(response),
        () => undefined,
      );
    };
    const respond = () => {
      if (behaviour.receiptFirst) {
        sendReceipt();
        setTimeout(answer, 50);
      } else {
        answer();
        if (wantsReceipt) setTimeout(sendReceipt, receipt?.delayMs ?? this.options.receiptDelayMs ?? 0);
      }
    };
    if (behaviour.hold) this.held.push(respond);
    else if (behaviour.delayMs) setTimeout(respond, behaviour.delayMs);
    else respond();
  }

  private recordDeliverResponse(response: Pdu): void {
    if (this.options.keepHistory !== false)
      this.deliverResponses.push({ sequence: response.sequence, status: response.status });
  }
}

const GENERIC_NACK = 0x80000000;

function formatId(id: number, format: SimulatorOptions['idFormat']): string {
  switch (format) {
    case 'decimal':
      return String(id);
    case 'hex16':
      return id.toString(16).padStart(16, '0');
    case 'hex':
    case undefined:
      return id.toString(16).toUpperCase().padStart(8, '0');
  }
}

const STATE_OF: Record<string, number> = {
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};
