import type { Socket } from 'node:net';
import { LinkRejectedError, LinkRetryableError } from './link';

export interface LinkConnectionSettings {
  /** Submits in flight before the next waits (capped at what the protocol's numbering allows). */
  window: number;
  /** Any request unanswered this long closes the connection. */
  responseTimeoutMs: number;
  /** The keep-alive request this long after the last thing sent; 0: never. */
  keepAliveMs: number;
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

interface Pending<Frame> {
  resolve: (frame: Frame) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  counts: boolean;
}

/**
 * What a UCP/EMI or CIMD2 connection does whatever its framing: requests under numbers of its own (a
 * TRN, a packet number) answered in any order, at most `window` submits in flight, a timeout that
 * closes the connection (an SMSC that does not answer one request cannot be trusted with the next), a
 * keep-alive request when idle, and the SMSC's own requests counted while they are handled, so a close
 * waits for their answers. A subclass frames, numbers and reads.
 */
export abstract class LinkConnection<Frame> {
  private readonly pending = new Map<number, Pending<Frame>>();
  private readonly windowWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private windowUsed = 0;
  private inboundInFlight = 0;
  private keepAliveTimer?: NodeJS.Timeout;
  private closedReason?: string;
  private resolveClosed!: (reason: string) => void;
  /** Resolves with the reason once the connection is gone. */
  readonly closed: Promise<string>;

  protected constructor(
    protected readonly socket: Socket,
    private readonly settings: LinkConnectionSettings,
    /** The most requests the protocol's numbering can have in flight. */
    private readonly maxWindow: number,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.terminate(`socket error: ${error.message}`));
    socket.on('close', () => this.terminate('connection closed'));
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  get outstanding(): number {
    return this.windowUsed;
  }

  get hasFreeWindow(): boolean {
    return this.windowUsed < Math.min(this.settings.window, this.maxWindow);
  }

  destroy(reason: string): void {
    this.socket.destroy();
    this.terminate(reason);
  }

  /** The next free number for a request of ours, or undefined when every one is waiting for its answer. */
  protected abstract allocate(inUse: (id: number) => boolean): number | undefined;
  /** Writes request `op` under `id`. */
  protected abstract send(id: number, op: number, body: unknown): void;
  /** The keep-alive request, sent when the connection has been idle for keepAliveMs. */
  protected abstract keepAlive(): Promise<unknown>;
  /** Bytes from the SMSC: answers go to answered(), the SMSC's requests through handling(). */
  protected abstract onData(chunk: Buffer): void;

  /**
   * Sends the login request and reads its answer with `refusal` (the SMSC's code and its name, or
   * undefined when it let us in). A refusal closes the connection and throws LinkRejectedError; no answer
   * throws LinkRetryableError. Then the keep-alive starts.
   */
  protected async logIn(
    op: number,
    body: unknown,
    refusal: (answer: Frame) => { code: number; name: string } | undefined,
  ): Promise<void> {
    let answer: Frame;
    try {
      answer = await this.request(op, body, false);
    } catch (error) {
      this.destroy('login failed');
      throw error instanceof LinkRetryableError ? error : new LinkRetryableError((error as Error).message);
    }
    const refused = refusal(answer);
    if (refused) {
      this.destroy(`login rejected: ${refused.name}`);
      throw new LinkRejectedError(refused.code, refused.name);
    }
    this.sent();
  }

  /**
   * Closes once the SMSC's requests in progress are answered, after `goodbye` (a logout, where the
   * protocol has one), waiting up to 2 s for the SMSC to close its side.
   */
  protected async closeGracefully(goodbye?: () => Promise<unknown>): Promise<void> {
    if (!this.isOpen) return;
    await this.idle();
    await goodbye?.().catch(() => undefined);
    this.socket.end();
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    this.destroy('closed');
  }

  /** Waits for a place in the window (a submit). */
  protected async windowPlace(): Promise<void> {
    while (!this.hasFreeWindow) {
      if (!this.isOpen) throw new LinkRetryableError(this.closedReason ?? 'closed');
      await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
    }
  }

  /**
   * Sends a request and resolves with its answer. `counts`: it takes a place in the window (submits
   * do; logins and keep-alives do not). A timeout rejects it with LinkRetryableError and closes the link.
   */
  protected request(op: number, body: unknown, counts: boolean): Promise<Frame> {
    if (!this.isOpen) return Promise.reject(new LinkRetryableError(this.closedReason ?? 'closed'));
    const id = this.allocate((candidate) => this.pending.has(candidate));
    if (id === undefined) return Promise.reject(new LinkRetryableError('no free request number'));
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        if (counts) this.release();
        reject(
          new LinkRetryableError(`no answer to operation ${op} within ${this.settings.responseTimeoutMs} ms`),
        );
        this.settings.onEvent?.('response-timeout', { op, id });
        this.destroy(`operation ${op} unanswered`);
      }, this.settings.responseTimeoutMs);
      if (counts) this.windowUsed += 1;
      this.pending.set(id, { resolve, reject, timer, counts });
      this.send(id, op, body);
    });
  }

  /** An answer to request `id`; false when no request of ours waits under it. */
  protected answered(id: number, frame: Frame): boolean {
    const pending = this.pending.get(id);
    if (!pending) return false;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    if (pending.counts) this.release();
    pending.resolve(frame);
    return true;
  }

  /** Runs the handling of one of the SMSC's requests, which a close waits for. */
  protected async handling(work: () => Promise<void>): Promise<void> {
    this.inboundInFlight += 1;
    try {
      await work();
    } finally {
      this.inboundInFlight -= 1;
      if (this.inboundInFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Once the SMSC's requests in progress are answered. */
  private async idle(): Promise<void> {
    while (this.inboundInFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Something was written: the keep-alive waits its full time from now. */
  protected sent(): void {
    if (!this.settings.keepAliveMs || !this.isOpen) return;
    clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = setTimeout(
      () => void this.keepAlive().catch(() => undefined),
      this.settings.keepAliveMs,
    );
    this.keepAliveTimer.unref();
  }

  private release(): void {
    this.windowUsed -= 1;
    this.windowWaiters.shift()?.();
  }

  private terminate(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    clearTimeout(this.keepAliveTimer);
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(new LinkRetryableError(reason));
    }
    this.windowUsed = 0;
    for (const wake of this.windowWaiters.splice(0)) wake();
    for (const wake of this.idleWaiters.splice(0)) wake();
    this.settings.onEvent?.('closed', { reason });
    this.resolveClosed(reason);
  }
}
