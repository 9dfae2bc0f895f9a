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
  ResponseTimeoutError,
  SessionClosedError,
  SmppDecodeError,
  Status,
  statusName,
  UnknownPdu,
} from '@smsgate/smpp';
import { decodeErrorStatus } from './decode-status';
import { deliverSm, DeliverSmFields } from './deliver';
import type { AccountDirectory, BindLedger, SmppAccount, SubmitSink } from './ports';
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
  /** Binds across replicas; absent: the registry's count per process is the only limit. */
  bindLedger?: BindLedger;
  /** Shared by the process's sessions: throughput per account. */
  throttle: AccountThrottle;
  /** submit_sm / data_sm of one bind handed to the sink and not yet answered; more → ESME_RTHROTTLED. */
  window: number;
  /** Nothing received this long: a bound session is unbound, an unbound one closed. */
  idleTimeoutMs: number;
  /** Not bound this long after connecting: closed (SMPP's session_init_timer). */
  bindTimeoutMs: number;
  /** How long our own requests (deliver_sm, enquire_link, unbind) wait for their response. */
  responseTimeoutMs: number;
  /** deliver_sm sent and not yet answered, per session; more callers wait in order. Default 10. */
  deliverWindow?: number;
  /** Nothing received this long on a bound session: we send enquire_link. Default 30000; 0: never. */
  enquireLinkIntervalMs?: number;
  /** How long unbind and drain wait for submits still with the sink before answering anyway. */
  drainTimeoutMs: number;
  /** Diagnostics; never carries a password or message text. */
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

type State = 'open' | 'binding' | 'bound' | 'closing' | 'closed';

/** One of our requests awaiting its response. */
interface Pending {
  /** The response that answers it (a generic_nack of its sequence does too). */
  answer: `${'deliver_sm' | 'enquire_link' | 'unbind'}_resp`;
  resolve: (pdu: Pdu) => void;
  /** The connection closed before the answer came. */
  fail: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_DELIVER_WINDOW = 10;
const DEFAULT_ENQUIRE_LINK_INTERVAL_MS = 30_000;

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
  /** deliver_sm sent, not yet answered. */
  private deliveries = 0;
  /** deliver() callers waiting for a slot of the deliver window, first come first served. */
  private readonly deliverQueue: { go: () => void; refuse: (error: Error) => void }[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private idleTimer?: NodeJS.Timeout;
  private linkTimer?: NodeJS.Timeout;
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

  private get deliverWindow(): number {
    return this.options.deliverWindow ?? DEFAULT_DELIVER_WINDOW;
  }

  /** Bound as receiver or transceiver and not draining: deliver() takes messages. */
  get canDeliver(): boolean {
    return (
      this.state === 'bound' &&
      !this.draining &&
      (this.boundMode === 'receiver' || this.boundMode === 'transceiver')
    );
  }

  /** Free slots of the deliver window now; 0 when the session cannot deliver. */
  get deliverCapacity(): number {
    if (!this.canDeliver) return 0;
    return Math.max(0, this.deliverWindow - this.deliveries - this.deliverQueue.length);
  }

  /**
   * Sends one deliver_sm (a receipt or an MO) and resolves with the ESME's deliver_sm_resp
   * command_status (a generic_nack's status when it answered that). Waits for a free slot of the
   * deliver window. Rejects when the session is not bound as receiver/transceiver, is draining or
   * closes (SessionClosedError), or the ESME does not answer within responseTimeoutMs
   * (ResponseTimeoutError; the session then closes, as smsgate's SMPP client does: an ESME that
   * leaves a request unanswered lost it or is stuck, and its bind would hold the slot). The caller
   * keeps the message until this resolves, so a rejection loses nothing.
   */
  async deliver(fields: DeliverSmFields): Promise<number> {
    if (!this.canDeliver) throw new SessionClosedError(this.cannotDeliverReason());
    // A slot is ours from here: taken now, or handed over (already counted) by wakeDeliverer.
    if (this.deliveries >= this.deliverWindow || this.deliverQueue.length > 0)
      await new Promise<void>((go, refuse) => this.deliverQueue.push({ go, refuse }));
    else this.deliveries += 1;
    try {
      if (!this.canDeliver) throw new SessionClosedError(this.cannotDeliverReason());
      const sequence = this.nextSequence();
      const bytes = encodePdu(deliverSm(fields, sequence));
      const response = await this.request(sequence, 'deliver_sm_resp', bytes).catch((error: Error) => {
        if (error instanceof ResponseTimeoutError) this.destroy(error.message);
        throw error;
      });
      // A generic_nack with status 0 would say nothing; it still is no acceptance.
      return response.command === 'generic_nack' && response.status === Status.ESME_ROK
        ? Status.ESME_RSYSERR
        : response.status;
    } finally {
      this.deliveries -= 1;
      this.wakeDeliverer();
      this.wakeIfSettled();
    }
  }

  private cannotDeliverReason(): string {
    if (this.state === 'closing' || this.state === 'closed') return 'session closed';
    if (this.draining) return 'session draining';
    if (this.state !== 'bound') return 'session not bound';
    return `session bound as ${this.boundMode}`;
  }

  /** Hands freed deliver slots to the callers waiting first (counted here, so none is taken twice). */
  private wakeDeliverer(): void {
    while (this.deliveries < this.deliverWindow && this.deliverQueue.length > 0) {
      this.deliveries += 1;
      this.deliverQueue.shift()?.go();
    }
  }

  private refuseWaitingDeliveries(): void {
    const error = new SessionClosedError(this.cannotDeliverReason());
    for (const waiter of this.deliverQueue.splice(0)) waiter.refuse(error);
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
    // New deliveries are refused and waiting ones handed back; those sent get their answer (or time out).
    this.refuseWaitingDeliveries();
    await this.waitForOutstanding(true);
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
        // A response to nothing we sent, or of another command than the one of its sequence.
        if (!pending || (pdu.command !== 'generic_nack' && pdu.command !== pending.answer)) {
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
      !this.options.registry.reserve(
        account,
        { sessionId: this.id, mode, remoteAddress: this.remoteAddress },
        this,
      )
    )
      return refused(Status.ESME_RBINDFAIL, `account has ${account.maxBinds} binds open`);
    if (this.options.bindLedger) {
      let claimed: boolean;
      try {
        claimed = await this.options.bindLedger.claim(account, {
          sessionId: this.id,
          mode,
          remoteAddress: this.remoteAddress,
        });
      } catch (error) {
        this.options.registry.release(account.id, this.id);
        if (this.state === 'binding')
          refused(Status.ESME_RSYSERR, `bind ledger: ${(error as Error).message}`);
        return;
      }
      if (this.state !== 'binding') {
        // The connection ended while the claim was made: nothing holds the place.
        this.options.registry.release(account.id, this.id);
        if (claimed) this.options.bindLedger.release(account.id, this.id);
        return;
      }
      if (!claimed) {
        this.options.registry.release(account.id, this.id);
        return refused(Status.ESME_RBINDFAIL, `account has ${account.maxBinds} binds open across replicas`);
      }
    }
    this.state = 'bound';
    this.boundAccount = account;
    this.boundMode = mode;
    clearTimeout(this.bindTimer);
    // §5.3.2.25: the SMSC names its version to an ESME that speaks 3.4.
    respond(Status.ESME_ROK, pdu.interfaceVersion >= INTERFACE_VERSION_34 ? INTERFACE_VERSION_34 : undefined);
    this.scheduleEnquireLink();
    // After bind_resp is written, so a deliver() the event triggers follows it on the wire.
    this.event('bound', { systemId: account.systemId, accountId: account.id, mode });
  }

  private async onUnbind(sequence: number): Promise<void> {
    if (this.state === 'bound') {
      // Submits already with the sink are answered before unbind_resp. Deliveries the ESME has not
      // answered yet fail when the connection closes (their callers keep and resend them).
      this.draining = true;
      this.refuseWaitingDeliveries();
      await this.waitForOutstanding(false);
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
        this.wakeIfSettled();
      })
      .catch(() => undefined);
  }

  /** Whether drain / unbind may go on: no submit with the sink (and, for drain, no delivery unanswered). */
  private settled(withDeliveries: boolean): boolean {
    return this.inFlight === 0 && (!withDeliveries || this.deliveries === 0);
  }

  private wakeIfSettled(): void {
    for (const waiter of [...this.idleWaiters]) waiter();
  }

  /**
   * Resolves once no submit is with the sink (and, with `withDeliveries`, no deliver_sm awaits its
   * answer: those end by responseTimeoutMs anyway), or after drainTimeoutMs.
   */
  private async waitForOutstanding(withDeliveries: boolean): Promise<void> {
    if (this.settled(withDeliveries)) return;
    let timer: NodeJS.Timeout | undefined;
    let waiter: (() => void) | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        waiter = () => {
          if (this.state === 'closed' || this.settled(withDeliveries)) resolve();
        };
        this.idleWaiters.push(waiter);
      }),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.drainTimeoutMs))),
    ]);
    clearTimeout(timer);
    const index = waiter ? this.idleWaiters.indexOf(waiter) : -1;
    if (index >= 0) this.idleWaiters.splice(index, 1);
  }

  // ---------------------------------------------------------------- output and lifecycle

  private async unbindAndClose(reason: string): Promise<void> {
    if (this.state !== 'bound') return;
    this.draining = true;
    this.refuseWaitingDeliveries();
    this.state = 'closing';
    clearTimeout(this.linkTimer);
    const sequence = this.nextSequence();
    // Any end will do: the unbind_resp, a generic_nack, no answer in time, or the connection gone.
    await this.request(sequence, 'unbind_resp', encodePdu({ command: 'unbind', status: 0, sequence })).catch(
      () => undefined,
    );
    this.end(reason);
    await this.closed;
  }

  private nextSequence(): number {
    return (this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1);
  }

  /**
   * Sends one of our requests and resolves with its response (or a generic_nack of its sequence).
   * Rejects with ResponseTimeoutError after responseTimeoutMs, SessionClosedError when the
   * connection closes first.
   */
  private request(sequence: number, answer: Pending['answer'], bytes: Buffer): Promise<Pdu> {
    return new Promise<Pdu>((resolve, reject) => {
      if (this.state === 'closed' || this.socket.destroyed || !this.socket.writable) {
        reject(new SessionClosedError(this.closingReason ?? 'session closed'));
        return;
      }
      const command = answer.slice(0, -'_resp'.length);
      const timer = setTimeout(() => {
        this.pending.delete(sequence);
        this.event('response-timeout', { command, sequence });
        reject(new ResponseTimeoutError(command, this.options.responseTimeoutMs));
      }, this.options.responseTimeoutMs);
      this.pending.set(sequence, { answer, resolve, fail: reject, timer });
      this.socket.write(bytes);
    });
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.event('idle-timeout', { idleTimeoutMs: this.options.idleTimeoutMs });
      if (this.state === 'bound') void this.unbindAndClose('idle');
      else this.destroy('idle');
    }, this.options.idleTimeoutMs);
    this.scheduleEnquireLink();
  }

  /**
   * On a bound session, enquire_link after enquireLinkIntervalMs with nothing received; no answer
   * within responseTimeoutMs closes the connection (the peer is gone, its binds and deliveries are
   * freed). Anything received, the enquire_link_resp too, restarts both this and the idle timer: a
   * live ESME stays bound, idleTimeoutMs is what ends a session whose link is not checked.
   */
  private scheduleEnquireLink(): void {
    clearTimeout(this.linkTimer);
    const interval = this.options.enquireLinkIntervalMs ?? DEFAULT_ENQUIRE_LINK_INTERVAL_MS;
    if (this.state !== 'bound' || interval <= 0) return;
    this.linkTimer = setTimeout(() => {
      if (this.state !== 'bound') return;
      const sequence = this.nextSequence();
      this.request(
        sequence,
        'enquire_link_resp',
        encodePdu({ command: 'enquire_link', status: 0, sequence }),
      ).then(
        // The response itself restarted the timer (touch).
        () => undefined,
        (error: Error) => {
          if (error instanceof ResponseTimeoutError) this.destroy('no enquire_link_resp');
        },
      );
    }, interval);
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
    clearTimeout(this.linkTimer);
    const closedError = new SessionClosedError(reason);
    for (const waiter of this.deliverQueue.splice(0)) waiter.refuse(closedError);
    for (const [sequence, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(sequence);
      pending.fail(closedError);
    }
    for (const wake of this.idleWaiters.splice(0)) wake();
    if (this.boundAccount) {
      this.options.registry.release(this.boundAccount.id, this.id);
      this.options.bindLedger?.release(this.boundAccount.id, this.id);
    }
    // After the release: whoever wakes on it (a delivery pump) no longer finds this session.
    this.event('closed', { reason, ...(this.boundAccount ? { accountId: this.boundAccount.id } : {}) });
    this.resolveClosed(reason);
  }

  private event(event: string, detail: Record<string, unknown>): void {
    this.options.onEvent?.(event, { sessionId: this.id, ...detail });
  }
}
