export interface MicroBatcherOptions {
  /** Items per call of the batch function. */
  maxBatch?: number;
  /** Batch calls running at once; new items gather while they run. */
  maxInFlight?: number;
}

/**
 * Groups concurrent calls into batches: an item submitted while the batch function is busy waits for
 * the next batch, so under load one round trip serves many callers and when idle an item leaves at
 * once (no timer, no added latency). `run` returns one result per item, in order; if it throws, every
 * item of that batch is rejected with the error.
 */
export class MicroBatcher<I, O> {
  private queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    { maxBatch = 500, maxInFlight = 2 }: MicroBatcherOptions = {},
  ) {
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running++;
      this.run(batch.map((entry) => entry.item))
        .then(
          (results) => {
            if (results.length !== batch.length)
              throw new Error(`batch returned ${results.length} results for ${batch.length} items`);
            batch.forEach((entry, index) => entry.resolve(results[index]));
          },
          (error: unknown) => {
            throw error;
          },
        )
        .catch((error: unknown) => batch.forEach((entry) => entry.reject(error)))
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }
}
