import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';

export type ChannelKind = 'smpp' | 'ex';

/** One answer (or failure) of POST /v1/messages. */
export interface Attempt {
  at: number;
  ms: number;
  /** HTTP status, or the error's code (ECONNREFUSED, ECONNRESET, TIMEOUT, …). */
  status: number | string;
  /** The answer's body, cut short. */
  body?: string;
}

/** One message as the client sees it: one Idempotency-Key, retried until it has an answer. */
export interface ClientMessage {
  n: number;
  key: string;
  to: string;
  channel: ChannelKind;
  text: string;
  /** SMPP parts it takes (1, or 2 for the long ones). */
  parts: number;
  attempts: Attempt[];
  /** Message ids of every answer that accepted it (more than one is a duplicate in the making). */
  ids: string[];
  outcome: 'pending' | 'accepted' | 'rejected' | 'gave-up';
  acceptedAt?: number;
}

export interface LoadOptions {
  url: string;
  apiKey: string;
  channels: Record<ChannelKind, string>;
  notifyUrl: string;
  /** Messages per second, at most `concurrency` requests (and their retries) open at once. */
  rate: number;
  concurrency: number;
  /** The destination of message n: unique within a run, so that the SMSC's log tells messages apart. */
  destination: (n: number) => string;
  /** Put in every text (and in the keys), e.g. the scenario's name. */
  tag: string;
  /** A message still without an answer after this long is given up (default 180 s). */
  giveUpAfterMs?: number;
  /** One request's time limit; past it the outcome is unknown and the same key is sent again. */
  requestTimeoutMs?: number;
}

const FILLER =
  ' This text is long on purpose so that it travels as two concatenated parts, each with its own submit.';

/**
 * The single-message client of the fault suite: one destination per POST /v1/messages with a notifyUrl,
 * at a steady rate over `concurrency` workers. Every message has its own Idempotency-Key; an answer that
 * leaves the outcome open or asks for a repeat (503 nothing accepted, 504 outcome unknown, any other 5xx,
 * 409 first request still waiting, 408, 429, a 202 without `accepted`, a dropped connection, a time-out)
 * is repeated with the same key and the same body.
 */
export class LoadClient {
  readonly messages: ClientMessage[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly agent: Agent;

  constructor(private readonly options: LoadOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  }

  start(): void {
    this.running = true;
    const { concurrency, rate } = this.options;
    const interval = (1_000 * concurrency) / rate;
    this.workers = Array.from({ length: concurrency }, async (_, worker) => {
      await sleep((interval * worker) / concurrency);
      while (this.running) {
        const started = Date.now();
        await this.send(this.next());
        await sleep(Math.max(0, interval - (Date.now() - started)));
      }
    });
  }

  /** Stops issuing new messages and waits for the open ones to get their answers. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.agent.destroy();
  }

  private next(): ClientMessage {
    const n = this.messages.length;
    const channel: ChannelKind = n % 2 === 0 ? 'smpp' : 'ex';
    const key = `${this.options.tag}-${n}-${randomUUID()}`;
    const long = n % 10 === 4;
    const message: ClientMessage = {
      n,
      key,
      to: this.options.destination(n),
      channel,
      text: `Faults ${this.options.tag} #${n} ${key.slice(-12)}.${long ? FILLER + FILLER : ''}`,
      parts: long ? 2 : 1,
      attempts: [],
      ids: [],
      outcome: 'pending',
    };
    this.messages.push(message);
    return message;
  }

  private async send(message: ClientMessage): Promise<void> {
    const { giveUpAfterMs = 180_000 } = this.options;
    const body = JSON.stringify({
      to: message.to,
      text: message.text,
      channel: this.options.channels[message.channel],
      notifyUrl: this.options.notifyUrl,
    });
    const first = Date.now();
    for (let retry = 0; ; retry++) {
      const attempt = await this.post(message.key, body);
      message.attempts.push(attempt);
      const verdict = verdictOf(attempt);
      if (verdict.kind === 'accepted') {
        message.ids.push(verdict.id);
        message.outcome = 'accepted';
        message.acceptedAt = attempt.at + attempt.ms;
        return;
      }
      if (verdict.kind === 'rejected') {
        message.outcome = 'rejected';
        return;
      }
      if (Date.now() - first > giveUpAfterMs) {
        message.outcome = 'gave-up';
        return;
      }
      await sleep(Math.min(2_000, 250 * 2 ** retry));
    }
  }

  private post(key: string, body: string): Promise<Attempt> {
    const { requestTimeoutMs = 30_000 } = this.options;
    const at = Date.now();
    return new Promise((resolve) => {
      const done = (status: number | string, text?: string) =>
        resolve({ at, ms: Date.now() - at, status, ...(text === undefined ? {} : { body: text }) });
      const request = httpRequest(
        this.options.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.options.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          timeout: requestTimeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            done(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8').slice(0, 1_000)),
          );
          response.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
      request.end(body);
    });
  }
}

type Verdict = { kind: 'accepted'; id: string } | { kind: 'rejected' } | { kind: 'retry' };

/**
 * What an answer says about the message: the client's side of the send API's contract (docs/api.md,
 * "Repeating a send request safely").
 */
export function verdictOf(attempt: Attempt): Verdict {
  const { status } = attempt;
  if (status === 202) {
    try {
      const first = (JSON.parse(attempt.body ?? '') as { messages?: { id?: string; status?: string }[] })
        .messages?.[0];
      if (first?.status === 'accepted' && first.id) return { kind: 'accepted', id: first.id };
      if (first?.status === 'rejected') return { kind: 'rejected' };
    } catch {
      // not the documented body: the outcome is unknown
    }
    return { kind: 'retry' };
  }
  if (typeof status === 'number' && status >= 400 && status < 500 && ![408, 409, 429].includes(status))
    return { kind: 'rejected' };
  return { kind: 'retry' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
