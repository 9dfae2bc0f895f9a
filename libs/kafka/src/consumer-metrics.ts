import { Counter, Gauge } from 'prom-client';

export const consumedOutcomes = new Counter({
  name: 'smsgate_consumer_events_total',
  help: 'Consumed events by topic, consumer group and outcome',
  labelNames: ['topic', 'group', 'outcome'],
});

export const retriesCounter = new Counter({
  name: 'smsgate_retries_total',
  help: 'Events sent to a consumer group retry topic for another attempt, by source topic and group',
  labelNames: ['topic', 'group'],
});

export const deadLettersCounter = new Counter({
  name: 'smsgate_dead_letters_total',
  help: 'Events published to sms.deadletter.v1, by source topic and consumer group',
  labelNames: ['topic', 'group'],
});

const consumerLag = new Gauge({
  name: 'smsgate_consumer_lag',
  help: 'Records behind the end of the partition after the last batch, by topic, partition and group',
  labelNames: ['topic', 'partition', 'group'],
});

/** The lag gauge of one server's consumers: set after each batch, cleared for partitions that moved. */
export class ConsumerLag {
  private readonly keys = new Set<string>();

  record(group: string, topic: string, partition: number, offsetLag: string): void {
    const lag = Number(offsetLag);
    if (!Number.isFinite(lag)) return;
    consumerLag.set({ topic, partition: String(partition), group }, lag);
    this.keys.add(`${group}|${topic}|${partition}`);
  }

  /** Partitions that moved to another member no longer report a lag from here. */
  keepOnly(group: string, assignment: Record<string, number[]>): void {
    const assigned = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => `${topic}:${partition}`),
      ),
    );
    for (const key of this.keys) {
      const [keyGroup, topic, partition] = key.split('|');
      if (keyGroup === group && !assigned.has(`${topic}:${partition}`)) {
        consumerLag.remove({ topic, partition, group });
        this.keys.delete(key);
      }
    }
  }
}
