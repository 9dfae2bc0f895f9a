export interface UntilDoneOptions {
  /** Called after each failure, with the delay before the next try (log it; it is not rethrown). */
  onFailure?: (error: unknown, attempt: number, delayMs: number) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Repeats `work` until it succeeds, with backoff. For records of something that already happened
 * outside (an SMSC's acknowledgement, a provider's answer): giving up would mean doing it again, so the
 * caller keeps the fact and retries the record — through a database restart or a broker outage.
 */
export async function untilDone<T>(work: () => Promise<T>, options: UntilDoneOptions = {}): Promise<T> {
  let delay = options.firstDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      options.onFailure?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 2_000);
    }
  }
}

/**
 * An `onFailure` that warns on the first failure and every tenth after it (a database down for a
 * minute must not write a line per try): "<what> failed (<reason>); try n in d ms: <consequence>".
 */
export function warnSometimes(
  warn: (line: string) => void,
  what: string,
  consequence: string,
): NonNullable<UntilDoneOptions['onFailure']> {
  return (error, attempt, delayMs) => {
    if (attempt !== 1 && attempt % 10 !== 0) return;
    const reason = error instanceof Error ? error.message : String(error);
    warn(`${what} failed (${reason}); try ${attempt + 1} in ${delayMs} ms: ${consequence}`);
  };
}
