import { Topics } from '@smsgate/contracts';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { waitFor, WaitOptions } from './wait-for';

export interface ProbedMessage {
  topic: string;
  partition: number;
  offset: string;
  key?: string;
  value: unknown;
  headers: Record<string, string>;
}

/**
 * Reads topics in a throw-away consumer group, from the beginning, and keeps what it saw, so a test
 * can wait for (or count) the events it caused. Tests filter by their own ids.
 */
export class TopicProbe {
  readonly messages: ProbedMessage[] = [];
  private consumer?: Consumer;

  constructor(private readonly brokers: string[]) {}

  static async start(brokers: string, topics: string[]): Promise<TopicProbe> {
    const probe = new TopicProbe(brokers.split(','));
    await probe.run(topics);
    return probe;
  }

  private async run(topics: string[]): Promise<void> {
    const kafka = new Kafka({
      clientId: 'smsgate-test-probe',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
    });
    this.consumer = kafka.consumer({ groupId: `test-probe-${randomUUID()}`, allowAutoTopicCreation: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    let joined = false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (joined = true));
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const text = message.value?.toString('utf8') ?? '';
        let value: unknown = text;
        try {
          value = JSON.parse(text);
        } catch {
          // keep the raw text
        }
        const headers: Record<string, string> = {};
        for (const [name, header] of Object.entries(message.headers ?? {})) {
          if (header !== undefined)
            headers[name] = (Array.isArray(header) ? header[0] : header)?.toString() ?? '';
        }
        this.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString(),
          value,
          headers,
        });
      },
    });
    await waitFor(() => joined, { message: 'the probe to join its group' });
  }

  find(predicate: (message: ProbedMessage) => boolean): ProbedMessage[] {
    return this.messages.filter(predicate);
  }

  async waitFor(
    predicate: (message: ProbedMessage) => boolean,
    options: WaitOptions = {},
  ): Promise<ProbedMessage> {
    return waitFor(() => this.messages.find(predicate), { message: 'a matching Kafka message', ...options });
  }

  /** The first event on `topic` about message `id` (its `id` field), in `status` when one is given. */
  waitForEvent(topic: string, id: string, status?: string, options?: WaitOptions): Promise<ProbedMessage> {
    return this.waitFor((m) => {
      const value = m.value as { id?: unknown; status?: unknown };
      return m.topic === topic && value.id === id && (status === undefined || value.status === status);
    }, options);
  }

  /** The dead letter of a record that carried `text` (a message id, say). */
  waitForDeadLetter(text: string, options?: WaitOptions): Promise<ProbedMessage> {
    return this.waitFor(
      (m) => m.topic === Topics.deadLetter && String((m.value as { value?: unknown }).value).includes(text),
      options,
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
