import { Status, statusName } from './constants';
import type { MessageIdRespPdu, ShortMessagePdu } from './pdu';
import {
  BindMode,
  BindRejectedError,
  InboundHandler,
  ResponseTimeoutError,
  SessionClosedError,
  SessionOptions,
  SmppSession,
} from './session';

export type PoolMode = 'transceiver' | 'transmitter_receiver';

export interface BindPoolOptions {
  /** Connection and bind settings shared by every bind of the channel. */
  session: Omit<SessionOptions, 'mode' | 'onInbound' | 'onEvent'>;
  mode: PoolMode;
  /** Transceivers, or transmitter+receiver pairs. */
  binds: number;
  /** Parts per second for the whole channel; undefined = no limit. */
  tps?: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  onInbound: InboundHandler;
  /** The pool gave up: the SMSC rejected the credentials. */
  onBindFailed?: (status: number) => void;
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
  random?: () => number;
}

export type BindState = 'connecting' | 'bound' | 'waiting' | 'bind_failed' | 'stopped';

export interface BindInfo {
  id: string;
  mode: BindMode;
  state: BindState;
  window: number;
  outstanding: number;
  submitted: number;
  /** submit_sm per second over the last 10 seconds. */
  submitRate: number;
  throttled: number;
  boundAt?: string;
  lastError?: string;
  reconnects: number;
}

export type SubmitResult =
  | { kind: 'accepted'; messageId: string; bind: string }
  | { kind: 'refused'; status: number; statusName: string; bind: string };

/** The pool cannot submit: stopped, or bind_failed. */
export class BindsUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BindsUnavailableError';
  }
}

const RATE_WINDOW_MS = 10_000;

class Slot {
  session?: SmppSession;
  state: BindState = 'connecting';
  submitted = 0;
  throttled = 0;
  reconnects = 0;
  boundAt?: Date;
  lastError?: string;
  pausedUntil = 0;
  slowDownMs = 0;
  readonly recent: number[] = [];

  constructor(
    readonly id: string,
    readonly mode: BindMode,
  ) {}

  get usable(): boolean {
    return this.state === 'bound' && !!this.session?.isOpen && this.mode !== 'receiver';
  }

  countSubmit(now: number): void {
    this.submitted += 1;
    this.recent.push(now);
    while (this.recent.length > 0 && this.recent[0] < now - RATE_WINDOW_MS) this.recent.shift();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The binds of one channel: opens them, keeps them open (reconnect with exponential backoff and
 * jitter), paces submits to `tps` parts per second, spreads them over the binds with room in their
 * window, slows a bind down on ESME_RTHROTTLED / ESME_RMSGQFUL and retries, and retries a part on
 * another (or the recycled) bind when its response timed out or the connection dropped. A rejected
 * bind stops the pool: retrying wrong credentials only gets an account locked.
 */
export class BindPool {
  private readonly slots: Slot[] = [];
  private stopped = false;
  private failure?: { status: number };
  private nextSendAt = 0;
  private readonly changeWaiters: (() => void)[] = [];
  private readonly random: () => number;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: BindPoolOptions) {
    this.random = options.random ?? Math.random;
    for (let index = 0; index < options.binds; index += 1) {
      if (options.mode === 'transceiver') this.slots.push(new Slot(`trx-${index + 1}`, 'transceiver'));
      else {
        this.slots.push(new Slot(`tx-${index + 1}`, 'transmitter'));
        this.slots.push(new Slot(`rx-${index + 1}`, 'receiver'));
      }
    }
  }

  get state(): 'bound' | 'connecting' | 'bind_failed' | 'stopped' {
    if (this.stopped) return this.failure ? 'bind_failed' : 'stopped';
    return this.slots.some((slot) => slot.usable) ? 'bound' : 'connecting';
  }

  get failedStatus(): number | undefined {
    return this.failure?.status;
  }

  start(): void {
    for (const slot of this.slots) this.loops.push(this.keepOpen(slot));
  }

  /** Unbinds every bind (waiting for inbound answers in progress) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await Promise.all(this.slots.map((slot) => slot.session?.close() ?? Promise.resolve()));
    await Promise.all(this.loops);
    for (const slot of this.slots) if (slot.state !== 'bind_failed') slot.state = 'stopped';
  }

  snapshot(): BindInfo[] {
    const now = Date.now();
    return this.slots.map((slot) => ({
      id: slot.id,
      mode: slot.mode,
      state: slot.state,
      window: this.options.session.window,
      outstanding: slot.session?.outstanding ?? 0,
      submitted: slot.submitted,
      submitRate: slot.recent.filter((at) => at >= now - RATE_WINDOW_MS).length / (RATE_WINDOW_MS / 1_000),
      throttled: slot.throttled,
      ...(slot.boundAt ? { boundAt: slot.boundAt.toISOString() } : {}),
      ...(slot.lastError ? { lastError: slot.lastError } : {}),
      reconnects: slot.reconnects,
    }));
  }

  /**
   * Submits one part and resolves with the SMSC's answer (accepted with its message id, or refused
   * with a final status). Throttling answers, timeouts and dropped connections are retried here;
   * throws BindsUnavailableError when the pool stopped or no bind came up before `deadline`.
   */
  async submit(pdu: ShortMessagePdu, deadline = Number.POSITIVE_INFINITY): Promise<SubmitResult> {
    for (;;) {
      const slot = await this.acquire(deadline);
      await this.pace();
      const session = slot.session;
      if (!session?.isOpen) continue;
      let response: MessageIdRespPdu;
      try {
        response = await session.submit(pdu);
      } catch (error) {
        this.wakeOne();
        if (error instanceof SessionClosedError || error instanceof ResponseTimeoutError) {
          slot.lastError = error.message;
          this.options.onEvent?.('submit-retry', { bind: slot.id, reason: error.message });
          continue;
        }
        throw error;
      }
      // The answer freed a place in the window: the part waiting longest for a bind takes it now,
      // rather than at its next look (up to a second later: the pool drained ~100 parts a second).
      this.wakeOne();
      const now = Date.now();
      slot.countSubmit(now);
      if (response.status === Status.ESME_RTHROTTLED || response.status === Status.ESME_RMSGQFUL) {
        slot.throttled += 1;
        slot.slowDownMs = Math.min(Math.max(slot.slowDownMs * 2, 100), 5_000);
        slot.pausedUntil = now + slot.slowDownMs;
        slot.lastError = statusName(response.status);
        this.options.onEvent?.('throttled', {
          bind: slot.id,
          status: statusName(response.status),
          pauseMs: slot.slowDownMs,
        });
        continue;
      }
      slot.slowDownMs = 0;
      if (response.status !== Status.ESME_ROK) {
        return {
          kind: 'refused',
          status: response.status,
          statusName: statusName(response.status),
          bind: slot.id,
        };
      }
      return { kind: 'accepted', messageId: response.messageId, bind: slot.id };
    }
  }

  /** A bound transmitting bind with room in its window, not paused; waits for one. */
  private async acquire(deadline: number): Promise<Slot> {
    for (;;) {
      if (this.stopped) {
        throw new BindsUnavailableError(
          this.failure ? `bind_failed: ${statusName(this.failure.status)}` : 'binds stopped',
        );
      }
      const now = Date.now();
      const usable = this.slots.filter((slot) => slot.usable);
      const ready = usable
        .filter((slot) => slot.pausedUntil <= now && slot.session!.hasFreeWindow)
        .sort((a, b) => a.session!.outstanding - b.session!.outstanding);
      if (ready.length > 0) return ready[0];
      if (now >= deadline) throw new BindsUnavailableError('no bind available before the deadline');
      const paused = usable.filter((slot) => slot.pausedUntil > now).map((slot) => slot.pausedUntil - now);
      const wait = Math.min(deadline - now, paused.length > 0 ? Math.min(...paused) : 1_000, 1_000);
      await this.changed(wait);
    }
  }

  /** Paces parts to `tps`: each waits for its slot on the channel's timeline. */
  private async pace(): Promise<void> {
    const tps = this.options.tps;
    if (!tps) return;
    const now = Date.now();
    const at = Math.max(now, this.nextSendAt);
    this.nextSendAt = at + 1_000 / tps;
    if (at > now) await sleep(at - now);
  }

  private changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(1, timeoutMs));
      const waiters = this.changeWaiters;
      function done() {
        clearTimeout(timer);
        const index = waiters.indexOf(done);
        if (index >= 0) waiters.splice(index, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  /** Wakes the part that has waited longest in acquire(): one place in a window came free. */
  private wakeOne(): void {
    this.changeWaiters.shift()?.();
  }

  private notify(): void {
    for (const waiter of this.changeWaiters.splice(0)) waiter();
  }

  private async keepOpen(slot: Slot): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      slot.state = 'connecting';
      try {
        const session = await SmppSession.open({
          ...this.options.session,
          mode: slot.mode,
          onInbound: this.options.onInbound,
          onEvent: (event, detail) => {
            this.options.onEvent?.(event, { bind: slot.id, ...detail });
            // A freed window slot or a closed session changes what acquire() may pick.
            if (event === 'closed') this.notify();
          },
        });
        if (this.stopped) {
          await session.close();
          break;
        }
        slot.session = session;
        slot.state = 'bound';
        slot.boundAt = new Date();
        attempt = 0;
        this.notify();
        const reason = await session.closed;
        slot.lastError = reason;
        slot.session = undefined;
        slot.boundAt = undefined;
        this.notify();
      } catch (error) {
        if (error instanceof BindRejectedError) {
          slot.state = 'bind_failed';
          slot.lastError = error.message;
          if (!this.failure) {
            this.failure = { status: error.status };
            this.options.onBindFailed?.(error.status);
          }
          this.stopped = true;
          this.notify();
          await Promise.all(
            this.slots
              .filter((other) => other !== slot)
              .map((other) => other.session?.close() ?? Promise.resolve()),
          );
          return;
        }
        slot.lastError = (error as Error).message;
      }
      if (this.stopped) break;
      slot.state = 'waiting';
      slot.reconnects += 1;
      // Full jitter between half and all of the exponential delay: binds of a restarted SMSC spread out.
      const ceiling = Math.min(this.options.reconnectMaxMs, this.options.reconnectInitialMs * 2 ** attempt);
      attempt += 1;
      await this.changedOrStopped(ceiling * (0.5 + this.random() / 2));
    }
    if (slot.state !== 'bind_failed') slot.state = 'stopped';
  }

  private async changedOrStopped(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) await this.changed(Math.min(until - Date.now(), 250));
  }
}
