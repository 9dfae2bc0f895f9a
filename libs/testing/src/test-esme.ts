import { connect, Socket } from 'node:net';
import { connect as connectTls, ConnectionOptions } from 'node:tls';
import {
  BindMode,
  decodePdu,
  decodeText,
  DeliveryReceipt,
  encodePdu,
  INTERFACE_VERSION_34,
  parseReceiptText,
  parseUdh,
  Pdu,
  PduFramer,
  shortMessage,
  ShortMessagePdu,
  UnknownPdu,
} from '@smsgate/smpp';

/** A deliver_sm smsgate's SMPP server sent the ESME (answered with `deliverStatus`). */
export interface DeliveredToEsme {
  pdu: ShortMessagePdu;
  /** esm_class says it is a delivery receipt. */
  receipt: boolean;
  /** The receipt as its text says it (`messageId`, `stat`, `err`…); undefined for an MO. */
  fields?: Omit<DeliveryReceipt, 'networkErrorCode'>;
  /** receipted_message_id TLV. */
  receiptedMessageId?: string;
  text: string;
}

/**
 * An ESME for end-to-end tests of smsgate's SMPP server, on a bare socket so a test controls every
 * sequence number (to resend a submit as it was): answers the server's deliver_sm (status
 * `deliverStatus`, 0 unless set) and enquire_link, and keeps the deliver_sm it was sent.
 */
export class TestEsme {
  readonly delivered: DeliveredToEsme[] = [];
  readonly closed: Promise<void>;
  /** command_status this ESME answers deliver_sm with. */
  deliverStatus = 0;
  /** Leave deliver_sm unanswered (the server's response timeout then closes the session). */
  silent = false;
  /** The server sent unbind (it is draining, or ended the session). */
  unbound = false;
  private readonly framer = new PduFramer();
  private readonly pending = new Map<number, (pdu: Pdu | UnknownPdu) => void>();
  private readonly deliverWaiters: { match: (d: DeliveredToEsme) => boolean; resolve: () => void }[] = [];
  private sequence = 0;
  private isClosed = false;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) this.receive(decodePdu(frame));
    });
  }

  /** Connects over TCP, or over TLS with `tls` (the options of node's tls.connect: `ca`…). */
  static connect(port: number, host = '127.0.0.1', tls?: ConnectionOptions): Promise<TestEsme> {
    return new Promise((resolve, reject) => {
      const socket: Socket = tls
        ? connectTls({ port, host, ...tls }, () => resolve(new TestEsme(socket)))
        : connect({ port, host }, () => resolve(new TestEsme(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and binds; rejects with the status when the bind is refused. */
  static async bound(
    port: number,
    mode: BindMode,
    systemId: string,
    password: string,
    tls?: ConnectionOptions,
  ): Promise<TestEsme> {
    const esme = await TestEsme.connect(port, '127.0.0.1', tls);
    const status = await esme.bind(mode, systemId, password);
    if (status !== 0) {
      esme.close();
      throw new Error(`bind refused with status 0x${status.toString(16)}`);
    }
    return esme;
  }

  get open(): boolean {
    return !this.isClosed;
  }

  async bind(mode: BindMode, systemId: string, password: string): Promise<number> {
    const answer = await this.request({
      command: `bind_${mode}`,
      status: 0,
      sequence: 0,
      systemId,
      password,
      systemType: '',
      interfaceVersion: INTERFACE_VERSION_34,
      addrTon: 0,
      addrNpi: 0,
      addressRange: '',
    });
    return answer.status;
  }

  /**
   * Submits (with `sequence` when given, to resend a submit as it was) and resolves with the
   * answer's status and message id.
   */
  async submit(
    fields: Partial<ShortMessagePdu> & { text?: string },
    sequence?: number,
  ): Promise<{ status: number; messageId: string; sequence: number }> {
    const { text, ...pdu } = fields;
    const submit = shortMessage('submit_sm', {
      source: { ton: 5, npi: 0, addr: 'ACME' },
      destination: { ton: 1, npi: 1, addr: '254712345678' },
      shortMessage: text === undefined ? Buffer.from('hello') : Buffer.from(text, 'latin1'),
      ...pdu,
      sequence: sequence ?? 0,
    });
    const answer = await this.request(submit);
    return {
      status: answer.status,
      messageId: 'messageId' in answer ? String(answer.messageId) : '',
      sequence: answer.sequence,
    };
  }

  /** The first deliver_sm (received or to come) that `match` accepts. */
  waitForDelivered(match: (d: DeliveredToEsme) => boolean, timeoutMs = 60_000): Promise<DeliveredToEsme> {
    const seen = this.delivered.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no matching deliver_sm within ${timeoutMs} ms (${this.delivered.length} seen)`)),
        timeoutMs,
      );
      this.deliverWaiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.delivered.find(match)!);
        },
      });
    });
  }

  /** The receipt for this submit id. */
  receiptFor(messageId: string, timeoutMs?: number): Promise<DeliveredToEsme> {
    return this.waitForDelivered((d) => d.receipt && d.receiptedMessageId === messageId, timeoutMs);
  }

  async unbind(): Promise<void> {
    if (this.isClosed) return;
    await this.request({ command: 'unbind', status: 0, sequence: 0 }).catch(() => undefined);
    this.close();
  }

  close(): void {
    this.socket.destroy();
  }

  private request(pdu: Pdu, timeoutMs = 30_000): Promise<Pdu> {
    const sequence = pdu.sequence || ++this.sequence;
    if (this.isClosed) return Promise.reject(new Error('the ESME is not connected'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(sequence);
        reject(new Error(`no answer to ${pdu.command} #${sequence}`));
      }, timeoutMs);
      this.pending.set(sequence, (answer) => {
        clearTimeout(timer);
        resolve(answer as Pdu);
      });
      void this.closed.then(() => {
        if (this.pending.delete(sequence)) {
          clearTimeout(timer);
          reject(new Error(`the connection closed before ${pdu.command} #${sequence} was answered`));
        }
      });
      this.socket.write(encodePdu({ ...pdu, sequence }));
    });
  }

  private receive(pdu: Pdu | UnknownPdu): void {
    if (pdu.command.endsWith('_resp') || pdu.command === 'generic_nack') {
      const resolve = this.pending.get(pdu.sequence);
      this.pending.delete(pdu.sequence);
      resolve?.(pdu);
      return;
    }
    if (pdu.command === 'enquire_link') {
      this.socket.write(encodePdu({ command: 'enquire_link_resp', status: 0, sequence: pdu.sequence }));
      return;
    }
    if (pdu.command === 'unbind') {
      this.unbound = true;
      this.socket.write(encodePdu({ command: 'unbind_resp', status: 0, sequence: pdu.sequence }));
      return;
    }
    if (pdu.command !== 'deliver_sm') return;
    const deliver = pdu;
    const receipt = (deliver.esmClass & 0x3c) === 0x04;
    // A part of a long MO carries a user data header (esm_class 0x40): the text is what follows it.
    const userData =
      deliver.esmClass & 0x40
        ? (parseUdh(deliver.shortMessage)?.data ?? deliver.shortMessage)
        : deliver.shortMessage;
    const text = decodeText(userData, deliver.dataCoding);
    this.delivered.push({
      pdu: deliver,
      receipt,
      text,
      fields: receipt ? parseReceiptText(text) : undefined,
      receiptedMessageId: deliver.optional.receiptedMessageId,
    });
    if (!this.silent)
      this.socket.write(
        encodePdu({
          command: 'deliver_sm_resp',
          status: this.deliverStatus,
          sequence: pdu.sequence,
          messageId: '',
          optional: {},
        }),
      );
    for (const waiter of [...this.deliverWaiters]) {
      if (this.delivered.some(waiter.match)) {
        this.deliverWaiters.splice(this.deliverWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
