import {
  BindsUnavailableError,
  LinkAnswer,
  LinkRejectedError,
  LinkRetryableError,
  LinkSession,
} from './link';

export type BindState = 'connecting' | 'bound' | 'waiting' | 'bind_failed' | 'stopped';

/** One connection of a channel, as the binds API shows it. */
export interface BindInfo<Mode extends string = string> {
  id: string;
  mode: Mode;
  state: BindState;
  window: number;
  outstanding: number;
  submitted: number;
  /** Submits per second over the last 10 seconds. */
  submitRate: number;
  throttled: number;
  boundAt?: string;
  lastError?: string;
  reconnects: number;
}

export type SubmitResult =
  | { kind: 'accepted'; messageId: string; bind: string }
  | { kind: 'refused'; status: number; statusName: string; bind: string };

/** A connection the pool keeps open: its id, its mode and whether it carries submits. */
export interface LinkSlot<Mode extends string> {
  id: string;
  mode: Mode;
  /** false for a receive-only link (SMPP's bind_receiver). */
  transmits: boolean;
}

export type LinkEvents = (event: string, detail: Record<string, unknown>) => void;

export interface LinkPoolOptions<Request, Mode extends string> {
  slots: LinkSlot<Mode>[];
  /**
   * Connects and logs in one link. Throws LinkRejectedError when the SMSC refuses the login; anything
   * else is retried with backoff. `onEvent` must hear `closed` when the connection ends.
   */
  open(mode: Mode, onEvent: LinkEvents): Promise<LinkSession<Request>>;
  /** Each link's window (shown in snapshots). */
  window: number;
  /** Submits per second for the whole channel; undefined = no limit. */
  tps?: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** The pool gave up: the SMSC rejected the login. */
  onBindFailed?: (code: number, name: string) => void;
  onEvent?: LinkEvents;
  random?: () => number;
}

const RATE_WINDOW_MS = 10_000;

class Slot<Request, Mode extends string> {
  session?: LinkSession<Request>;
  state: BindState = 'connecting';
  submitted = 0;
  throttled = 0;
  reconnects = 0;
  boundAt?: Date;
  lastError?: string;
  pausedUntil = 0;
  slowDownMs = 0;
  readonly recent: number[] = [];

  constructor(readonly link: LinkSlot<Mode>) {}

  get usable(): boolean {
    return this.state === 'bound' && !!this.session?.isOpen && this.link.transmits;
  }

  countSubmit(now: number): void {
    this.submitted += 1;
    this.recent.push(now);
    while (this.recent.length > 0 && this.recent[0] < now - RATE_WINDOW_MS) this.recent.shift();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The connections of one SMSC channel, whatever its protocol: opens them, keeps them open (reconnect
 * with exponential backoff and jitter), paces submits to `tps` per second, spreads them over the links
 * with room in their window, slows a link down when the SMSC says it is over its rate and retries,
 * and retries a submit on another (or the recycled) link when its answer timed out or the connection
 * dropped. A rejected login stops the pool: retrying wrong credentials only gets an account locked.
 */
export class LinkPool<Request, Mode extends string = string> {
  private readonly slots: Slot<Request, Mode>[];
  private stopped = false;
  private failure?: { code: number; name: string };
  private nextSendAt = 0;
  private readonly changeWaiters: (() => void)[] = [];
  private readonly random: () => number;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: LinkPoolOptions<Request, Mode>) {
    this.random = options.random ?? Math.random;
    this.slots = options.slots.map((link) => new Slot<Request, Mode>(link));
  }

  get state(): 'bound' | 'connecting' | 'bind_failed' | 'stopped' {
    if (this.stopped) return this.failure ? 'bind_failed' : 'stopped';
    return this.slots.some((slot) => slot.usable) ? 'bound' : 'connecting';
  }

  /** The SMSC's code for the rejected login, once the pool gave up. */
  get failedStatus(): number | undefined {
    return this.failure?.code;
  }

  get failedStatusName(): string | undefined {
    return this.failure?.name;
  }

  start(): void {
    for (const slot of this.slots) this.loops.push(this.keepOpen(slot));
  }

  /** Closes every link (waiting for inbound answers in progress) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await Promise.all(this.slots.map((slot) => slot.session?.close() ?? Promise.resolve()));
    await Promise.all(this.loops);
    for (const slot of this.slots) if (slot.state !== 'bind_failed') slot.state = 'stopped';
  }

  snapshot(): BindInfo<Mode>[] {
    const now = Date.now();
    return this.slots.map((slot) => ({
      id: slot.link.id,
      mode: slot.link.mode,
      state: slot.state,
      window: this.options.window,
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
   * with a final code). Throttling answers, timeouts and dropped connections are retried here;
   * throws BindsUnavailableError when the pool stopped or no link came up before `deadline`.
   */
  async submit(request: Request, deadline = Number.POSITIVE_INFINITY): Promise<SubmitResult> {
    for (;;) {
      const slot = await this.acquire(deadline);
      await this.pace();
      const session = slot.session;
      if (!session?.isOpen) continue;
      let answer: LinkAnswer;
      try {
        answer = await session.submit(request);
      } catch (error) {
        this.wakeOne();
        if (error instanceof LinkRetryableError) {
          slot.lastError = error.message;
          this.options.onEvent?.('submit-retry', { bind: slot.link.id, reason: error.message });
          continue;
        }
        throw error;
      }
      // The answer freed a place in the window: the part waiting longest for a link takes it now,
      // rather than at its next look (up to a second later).
      this.wakeOne();
      const now = Date.now();
      slot.countSubmit(now);
      if (answer.kind === 'throttled') {
        slot.throttled += 1;
        slot.slowDownMs = Math.min(Math.max(slot.slowDownMs * 2, 100), 5_000);
        slot.pausedUntil = now + slot.slowDownMs;
        slot.lastError = answer.name;
        this.options.onEvent?.('throttled', {
          bind: slot.link.id,
          status: answer.name,
          pauseMs: slot.slowDownMs,
        });
        continue;
      }
      slot.slowDownMs = 0;
      if (answer.kind === 'refused')
        return { kind: 'refused', status: answer.code, statusName: answer.name, bind: slot.link.id };
      return { kind: 'accepted', messageId: answer.messageId, bind: slot.link.id };
    }
  }

  /** A logged-in transmitting link with room in its window, not paused; waits for one. */
  private async acquire(deadline: number): Promise<Slot<Request, Mode>> {
    for (;;) {
      if (this.stopped) {
        throw new BindsUnavailableError(this.failure ? `bind_failed: ${this.failure.name}` : 'binds stopped');
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

  private async keepOpen(slot: Slot<Request, Mode>): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      slot.state = 'connecting';
      try {
        const session = await this.options.open(slot.link.mode, (event, detail) => {
          this.options.onEvent?.(event, { bind: slot.link.id, ...detail });
          // A closed session changes what acquire() may pick.
          if (event === 'closed') this.notify();
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
        if (error instanceof LinkRejectedError) {
          slot.state = 'bind_failed';
          slot.lastError = error.message;
          if (!this.failure) {
            this.failure = { code: error.code, name: error.codeName };
            this.options.onBindFailed?.(error.code, error.codeName);
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
      // Full jitter between half and all of the exponential delay: links of a restarted SMSC spread out.
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
