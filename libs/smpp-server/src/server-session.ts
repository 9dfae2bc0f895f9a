import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  BindMode,
  BindPdu,
  decodePdu,
  encodePdu,
  HEADER_LENGTH,
  INTERFACE_VERSION_34,
  isResponseId,
  MAX_PDU_LENGTH,
  Pdu,
  SmppDecodeError,
  Status,
  statusName,
  UnknownPdu,
} from '@smsgate/smpp';
import { decodeErrorStatus } from './decode-status';
import type { AccountDirectory, SmppAccount, SubmitSink } from './ports';
import type { SessionRegistry } from './registry';
import { SubmitPdu, validateSubmit } from './submit-validation';
import type { AccountThrottle } from './throughput';

export interface ServerSessionOptions {
  /** The server's system_id in bind responses (at most 15 octets). */
  systemId: string;
  directory: AccountDirectory;
  sink: SubmitSink;
  /** Shared by the process's sessions: binds per account. */
  registry: SessionRegistry;
  /** Shared by the process's sessions: throughput per account. */
  throttle: AccountThrottle;
  /** submit_sm / data_sm of one bind handed to the sink and not yet answered; more → ESME_RTHROTTLED. */
  window: number;
  /** Nothing received this long: a bound session is unbound, an unbound one closed. */
  idleTimeoutMs: number;
  /** Not bound this long after connecting: closed (SMPP's session_init_timer). */
  bindTimeoutMs: number;
  /** How long our own requests (unbind) wait for their response. */
  responseTimeoutMs: number;
  /** How long unbind and drain wait for submits still with the sink before answering anyway. */
  drainTimeoutMs: number;
  /** Diagnostics; never carries a password or message text. */
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

type State = 'open' | 'binding' | 'bound' | 'closing' | 'closed';

interface Pending {
  resolve: (pdu: Pdu) => void;
  timer: NodeJS.Timeout;
}

/**
 * The server side of one SMPP 3.4 connection: an ESME binds (checked by the AccountDirectory, within
 * the account's maxBinds), then submits; each submit_sm / data_sm is validated, counted against the
 * bind's window and the account's throughput, and answered with a message id only after the
 * SubmitSink resolved (the message is durable).
 *
 * Concatenated messages (UDH 8/16-bit reference or SAR TLVs) are not joined here: each part goes to
 * the sink on its own, with its `concatenation`, and is answered when the sink accepted it. Holding
 * every part's response until the last part arrived would stall an ESME whose window is smaller
 * than the part count (a blocking jsmpp client submits one part at a time), and parts joined in
 * memory would be lost on a crash after their response; the sink can store parts durably and join
 * them, as smpp-binds does with concatenated MOs.
 */
export class SmppServerSession {
  readonly id = randomUUID();
  readonly remoteAddress: string;
  private state: State = 'open';
  private boundAccount?: SmppAccount;
  private boundMode?: BindMode;
  private draining = false;
  private closingReason?: string;
  private buffered: Buffer = Buffer.alloc(0);
  private sequence = 0;
  private readonly pending = new Map<number, Pending>();
  /** Submits with the sink. */
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private idleTimer?: NodeJS.Timeout;
  private bindTimer?: NodeJS.Timeout;
  private resolveClosed!: (reason: string) => void;
  /** Resolves with the reason once the connection is gone. */
  readonly closed: Promise<string>;

  constructor(
    private readonly socket: Socket,
    private readonly options: ServerSessionOptions,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '';
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.terminate(`socket error: ${error.message}`));
    socket.on('close', () => this.terminate(this.closingReason ?? 'connection closed'));
    this.bindTimer = setTimeout(() => {
      this.event('bind-timeout', {});
      this.destroy('not bound in time');
    }, options.bindTimeoutMs);
    this.touch();
  }

  get account(): SmppAccount | undefined {
    return this.boundAccount;
  }

  get mode(): BindMode | undefined {
    return this.boundMode;
  }

  private get isOpen(): boolean {
    return this.state !== 'closed';
  }

  get isBound(): boolean {
    return this.state === 'bound';
  }

  /** Submits with the sink, not yet answered. */
  get outstanding(): number {
    return this.inFlight;
  }

  /**
   * For SIGTERM: refuses further submits (ESME_RSYSERR) and binds, waits for the submits with the
   * sink to be answered, then unbinds from the server side (SMPP 3.4 §4.2: either party may) and
   * closes once the ESME answered or the response timeout passed.
   */
  async drain(): Promise<void> {
    if (this.state === 'closed') return;
    this.draining = true;
    if (this.state === 'binding') {
      // The bind is answered ESME_RBINDFAIL once the directory answered (see onBind).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.closed,
        new Promise((resolve) => (timer = setTimeout(resolve, this.options.responseTimeoutMs))),
      ]);
      clearTimeout(timer);
    }
    if (this.state !== 'bound') {
      this.destroy('drained before binding');
      return;
    }
    await this.waitForSubmits();
    await this.unbindAndClose('drained');
  }

  /** Closes at once; submits still with the sink go unanswered (the ESME resends them). */
  destroy(reason: string): void {
    this.terminate(reason);
    this.socket.destroy();
  }

  // ---------------------------------------------------------------- input

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.touch();
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4 && this.isOpen) {
      const length = this.buffered.readUInt32BE(0);
      if (length < HEADER_LENGTH || length > MAX_PDU_LENGTH) {
        // The stream lost its framing: answer what can be named, then close.
        const sequence = this.buffered.length >= HEADER_LENGTH ? this.buffered.readUInt32BE(12) : 0;
        this.event('framing-lost', { length });
        this.write({ command: 'generic_nack', status: Status.ESME_RINVCMDLEN, sequence });
        this.end(`command_length ${length} is outside ${HEADER_LENGTH}..${MAX_PDU_LENGTH}`);
        return;
      }
      if (this.buffered.length < length) return;
      const frame = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    let pdu: Pdu | UnknownPdu;
    try {
      pdu = decodePdu(frame);
    } catch (error) {
      const decodeError = error as SmppDecodeError;
      const commandId = frame.readUInt32BE(4);
      const status = decodeErrorStatus(decodeError.message);
      this.event('invalid-pdu', { reason: decodeError.message, status: statusName(status) });
      // A broken response is not answered (SMPP never answers a response).
      if (!isResponseId(commandId))
        this.write({ command: 'generic_nack', status, sequence: frame.readUInt32BE(12) });
      return;
    }
    this.onPdu(pdu);
  }

  private onPdu(pdu: Pdu | UnknownPdu): void {
    switch (pdu.command) {
      case 'unknown':
        if (!isResponseId(pdu.commandId)) {
          this.event('unknown-command', { commandId: pdu.commandId });
          this.write({ command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: pdu.sequence });
        }
        return;
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'bind_transceiver':
        void this.onBind(pdu);
        return;
      case 'enquire_link':
        this.write({ command: 'enquire_link_resp', status: Status.ESME_ROK, sequence: pdu.sequence });
        return;
      case 'unbind':
        void this.onUnbind(pdu.sequence);
        return;
      case 'submit_sm':
      case 'data_sm':
        this.onSubmit(pdu as SubmitPdu);
        return;
      case 'deliver_sm':
        // An SMSC's request: an ESME does not send it.
        this.write({
          command: 'generic_nack',
          status: this.state === 'bound' ? Status.ESME_RINVCMDID : Status.ESME_RINVBNDSTS,
          sequence: pdu.sequence,
        });
        return;
      case 'enquire_link_resp':
      case 'unbind_resp':
      case 'deliver_sm_resp':
      case 'generic_nack': {
        const pending = this.pending.get(pdu.sequence);
        if (!pending) {
          this.event('unexpected-response', { command: pdu.command, sequence: pdu.sequence });
          return;
        }
        this.pending.delete(pdu.sequence);
        clearTimeout(pending.timer);
        pending.resolve(pdu);
        return;
      }
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
      case 'bind_transceiver_resp':
      case 'submit_sm_resp':
      case 'data_sm_resp':
        this.event('unexpected-response', { command: pdu.command, sequence: pdu.sequence });
        return;
    }
  }

  // ---------------------------------------------------------------- bind

  private async onBind(pdu: BindPdu): Promise<void> {
    const respond = (status: number, scInterfaceVersion?: number) =>
      this.write({
        command: `${pdu.command}_resp`,
        status,
        sequence: pdu.sequence,
        systemId: this.options.systemId,
        optional: scInterfaceVersion === undefined ? {} : { scInterfaceVersion },
      });
    if (this.state === 'binding' || this.state === 'bound') {
      respond(Status.ESME_RALYBND);
      return;
    }
    if (this.draining || this.state !== 'open') {
      respond(Status.ESME_RBINDFAIL);
      this.end('bind while draining');
      return;
    }
    const mode = pdu.command.slice('bind_'.length) as BindMode;
    this.state = 'binding';
    const refused = (status: number, reason: string) => {
      this.event('bind-refused', { systemId: pdu.systemId, mode, status: statusName(status), reason });
      respond(status);
      // A refused ESME binds again on a new connection; closing also slows password guessing.
      this.end(`bind refused: ${statusName(status)}`);
    };
    let result;
    try {
      result = await this.options.directory.authenticate(
        pdu.systemId,
        pdu.password,
        mode,
        this.remoteAddress,
      );
    } catch (error) {
      if (this.state === 'binding')
        refused(Status.ESME_RSYSERR, `account lookup failed: ${(error as Error).message}`);
      return;
    }
    if (this.state !== 'binding') return;
    if (this.draining) return refused(Status.ESME_RBINDFAIL, 'draining');
    if (!result.ok) return refused(result.status, 'credentials');
    const { account } = result;
    if (
      !this.options.registry.reserve(account, { sessionId: this.id, mode, remoteAddress: this.remoteAddress })
    )
      return refused(Status.ESME_RBINDFAIL, `account has ${account.maxBinds} binds open`);
    this.state = 'bound';
    this.boundAccount = account;
    this.boundMode = mode;
    clearTimeout(this.bindTimer);
    this.event('bound', { systemId: account.systemId, accountId: account.id, mode });
    // §5.3.2.25: the SMSC names its version to an ESME that speaks 3.4.
    respond(Status.ESME_ROK, pdu.interfaceVersion >= INTERFACE_VERSION_34 ? INTERFACE_VERSION_34 : undefined);
  }

  private async onUnbind(sequence: number): Promise<void> {
    if (this.state === 'bound') {
      // Submits already with the sink are answered before unbind_resp.
      this.draining = true;
      await this.waitForSubmits();
    }
    this.write({ command: 'unbind_resp', status: Status.ESME_ROK, sequence });
    this.end('unbound by the ESME');
  }

  // ---------------------------------------------------------------- submit

  private onSubmit(pdu: SubmitPdu): void {
    const respond = (status: number, messageId = '') =>
      this.write({
        command: pdu.command === 'submit_sm' ? 'submit_sm_resp' : 'data_sm_resp',
        status,
        sequence: pdu.sequence,
        messageId,
        optional: {},
      });
    const account = this.boundAccount;
    if (this.state !== 'bound' || !account || this.boundMode === 'receiver') {
      respond(this.draining ? Status.ESME_RSYSERR : Status.ESME_RINVBNDSTS);
      return;
    }
    if (this.draining) {
      respond(Status.ESME_RSYSERR);
      return;
    }
    // §5.1.3 names ESME_RTHROTTLED for an ESME over its allowed message limits; ESME_RMSGQFUL is
    // the SMSC's own queue being full, which says nothing about this ESME's window.
    if (this.inFlight >= this.options.window) {
      this.event('window-full', { accountId: account.id, window: this.options.window });
      respond(Status.ESME_RTHROTTLED);
      return;
    }
    const validation = validateSubmit(pdu, account);
    if (!validation.ok) {
      this.event('submit-refused', {
        accountId: account.id,
        status: statusName(validation.status),
        reason: validation.reason,
      });
      respond(validation.status);
      return;
    }
    if (!this.options.throttle.take(account.id, account.tps)) {
      this.event('throttled', { accountId: account.id, tps: account.tps });
      respond(Status.ESME_RTHROTTLED);
      return;
    }
    this.inFlight += 1;
    this.options.sink
      .accept({ ...validation.submit, account, sessionId: this.id })
      .then(
        (result) => {
          if (result.ok) return respond(Status.ESME_ROK, result.messageId);
          this.event('sink-refused', { accountId: account.id, status: statusName(result.status) });
          respond(result.status === Status.ESME_ROK ? Status.ESME_RSYSERR : result.status);
        },
        (error: unknown) => {
          this.event('sink-failed', {
            accountId: account.id,
            reason: error instanceof Error ? error.message : String(error),
          });
          respond(Status.ESME_RSYSERR);
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      })
      .catch(() => undefined);
  }

  /** Resolves once no submit is with the sink, or after drainTimeoutMs. */
  private async waitForSubmits(): Promise<void> {
    if (this.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.drainTimeoutMs))),
    ]);
    clearTimeout(timer);
  }

  // ---------------------------------------------------------------- output and lifecycle

  private async unbindAndClose(reason: string): Promise<void> {
    if (this.state !== 'bound') return;
    this.state = 'closing';
    this.draining = true;
    const sequence = (this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1);
    await new Promise<Pdu | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(sequence);
        resolve(undefined);
      }, this.options.responseTimeoutMs);
      this.pending.set(sequence, { resolve, timer });
      this.write({ command: 'unbind', status: Status.ESME_ROK, sequence });
    });
    this.end(reason);
    await this.closed;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.event('idle-timeout', { idleTimeoutMs: this.options.idleTimeoutMs });
      if (this.state === 'bound') void this.unbindAndClose('idle');
      else this.destroy('idle');
    }, this.options.idleTimeoutMs);
  }

  private write(pdu: Pdu): void {
    if (this.state === 'closed' || this.socket.destroyed || !this.socket.writable) {
      this.event('answer-lost', { command: pdu.command, sequence: pdu.sequence });
      return;
    }
    let bytes: Buffer;
    try {
      bytes = encodePdu(pdu);
    } catch (error) {
      // A field that does not fit (a sink's message id over 64 characters): a system error.
      this.event('encode-failed', { command: pdu.command, reason: (error as Error).message });
      bytes = encodePdu({ command: 'generic_nack', status: Status.ESME_RSYSERR, sequence: pdu.sequence });
    }
    this.socket.write(bytes);
  }

  /** Sends what is written, then closes; destroys if the peer does not let go. */
  private end(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.closingReason ??= reason;
    this.socket.end();
    setTimeout(() => this.destroy(reason), this.options.responseTimeoutMs).unref();
  }

  private terminate(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.idleTimer);
    clearTimeout(this.bindTimer);
    for (const [sequence, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(sequence);
      pending.resolve({ command: 'generic_nack', status: Status.ESME_RSYSERR, sequence });
    }
    for (const wake of this.idleWaiters.splice(0)) wake();
    if (this.boundAccount) this.options.registry.release(this.boundAccount.id, this.id);
    this.event('closed', { reason });
    this.resolveClosed(reason);
  }

  private event(event: string, detail: Record<string, unknown>): void {
    this.options.onEvent?.(event, { sessionId: this.id, ...detail });
  }
}
