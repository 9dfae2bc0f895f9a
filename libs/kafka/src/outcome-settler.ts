import { LoggerService } from '@nestjs/common';
import { DeadLetterV1, retryTopicOf, Topics, uuidv7 } from '@smsgate/contracts';
import { runInTrace } from '@smsgate/runtime';
import { KafkaMessage } from 'kafkajs';
import { ConsumedEvent, withEventTrace } from './consumed-batch';
import { consumedOutcomes, deadLettersCounter, retriesCounter } from './consumer-metrics';
import { Coordinates } from './event-decoder';
import { EventPublisher } from './event-publisher';
import { Outcome } from './outcome';
import { headerString, stringHeaders } from './record-headers';
import { jittered, retryRecord } from './retry-record';

export type ActionOutcome = Extract<Outcome, { kind: 'retry' | 'dead-letter' }>;

/**
 * Publishes what the outcomes that need a publish ask for: a retry to the group's retry topic for the
 * attempt that failed (a dead letter once attempts run out), or a dead letter to `sms.deadletter.v1`.
 */
export class OutcomeSettler {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly groupId: string,
    private readonly retryDelays: number[],
    private readonly logger: LoggerService,
  ) {}

  settle(message: KafkaMessage, event: ConsumedEvent<unknown>, outcome: ActionOutcome): Promise<void> {
    return withEventTrace(event, () => this.settleInTrace(message, event, outcome));
  }

  deadLetter(message: KafkaMessage, at: Coordinates, reason: string): Promise<void> {
    return runInTrace(
      headerString(message.headers, 'traceparent'),
      () => this.deadLetterInTrace(message, at, reason),
      `${at.topic} dead-letter`,
      'internal',
    );
  }

  private async settleInTrace(
    message: KafkaMessage,
    event: ConsumedEvent<unknown>,
    outcome: ActionOutcome,
  ): Promise<void> {
    switch (outcome.kind) {
      case 'dead-letter':
        // Counted where it is published (also for retries that ran out).
        return this.deadLetter(message, event, outcome.reason);
      case 'retry': {
        consumedOutcomes.inc({ topic: event.topic, group: this.groupId, outcome: 'retry' });
        const attempts = this.retryDelays.length;
        if (event.attempt > attempts && (!outcome.untilFixed || attempts === 0)) {
          return this.deadLetter(
            message,
            event,
            `gave up after ${event.attempt} attempts: ${outcome.reason}`,
          );
        }
        // Past the last attempt only what waits for a fix comes here: again and again at the last delay.
        const step = Math.min(event.attempt, attempts);
        const delay = jittered(this.retryDelays[step - 1]);
        retriesCounter.inc({ topic: event.topic, group: this.groupId });
        this.logger.warn(
          `${event.topic} ${event.partition}:${event.offset} attempt ${event.attempt} failed ` +
            `(${outcome.reason}); retry in ${delay} ms`,
        );
        return this.publisher.publishRaw(retryTopicOf(this.groupId, step), [
          retryRecord(message, event, delay, outcome.reason),
        ]);
      }
    }
  }

  private async deadLetterInTrace(message: KafkaMessage, at: Coordinates, reason: string): Promise<void> {
    consumedOutcomes.inc({ topic: at.topic, group: this.groupId, outcome: 'dead-letter' });
    deadLettersCounter.inc({ topic: at.topic, group: this.groupId });
    this.logger.warn(`dead letter from ${at.topic} ${at.partition}:${at.offset}: ${reason}`);
    await this.publisher.publish(Topics.deadLetter, deadLetterOf(message, at, this.groupId, reason), {
      key: at.topic,
    });
  }
}

/** The letter for a record that cannot be handled: its bytes, as text when they are UTF-8. */
function deadLetterOf(message: KafkaMessage, at: Coordinates, group: string, reason: string): DeadLetterV1 {
  const value = message.value ?? Buffer.alloc(0);
  const utf8 = value.toString('utf8');
  const isText = Buffer.from(utf8, 'utf8').equals(value);
  return {
    id: uuidv7(),
    group,
    sourceTopic: at.topic,
    partition: at.partition,
    offset: at.offset,
    key: message.key?.toString('utf8'),
    value: isText ? utf8 : value.toString('base64'),
    valueEncoding: isText ? 'utf8' : 'base64',
    headers: Object.fromEntries(
      Object.entries(stringHeaders(message.headers)).filter(([name]) => !name.startsWith('x-smsgate-')),
    ),
    reason: reason.slice(0, 2_000),
    attempts: at.attempt,
    failedAt: new Date().toISOString(),
  };
}
