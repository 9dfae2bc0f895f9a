import { KafkaMessage } from 'kafkajs';
import { ConsumedEvent } from './consumed-batch';
import { Coordinates } from './event-decoder';
import { RawRecord } from './event-publisher';
import { headerString, stringHeaders } from './record-headers';

/** What a record on a retry topic carries besides the original record's headers. */
const H = {
  originalTopic: 'x-smsgate-original-topic',
  originalPartition: 'x-smsgate-original-partition',
  originalOffset: 'x-smsgate-original-offset',
  originalTimestamp: 'x-smsgate-original-timestamp',
  attempt: 'x-smsgate-attempt',
  notBefore: 'x-smsgate-not-before',
  lastError: 'x-smsgate-last-error',
} as const;

/** ±20 %: messages that failed together (an aggregator's outage) do not all come back together. */
export function jittered(delayMs: number, random: () => number = Math.random): number {
  return Math.round(delayMs * (0.8 + 0.4 * random()));
}

/** The original record again, for the retry topic: due in `delayMs`, as attempt `event.attempt + 1`. */
export function retryRecord(
  message: KafkaMessage,
  event: ConsumedEvent<unknown>,
  delayMs: number,
  reason: string,
): RawRecord {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...stringHeaders(message.headers),
      [H.originalTopic]: event.topic,
      [H.originalPartition]: String(event.partition),
      [H.originalOffset]: event.offset,
      [H.originalTimestamp]: event.timestamp,
      [H.attempt]: String(event.attempt + 1),
      [H.notBefore]: String(Date.now() + delayMs),
      [H.lastError]: reason.slice(0, 500),
    },
  };
}

/** When a retry record is due, in ms since the epoch (0: at once). */
export const notBeforeOf = (message: KafkaMessage): number =>
  Number(headerString(message.headers, H.notBefore) ?? 0);

/** The topic a retry record was first published to ('' when the headers do not say). */
export const originalTopicOf = (message: KafkaMessage): string =>
  headerString(message.headers, H.originalTopic) ?? '';

/** Where a retry record of `originalTopic` was first published, and which attempt it is. */
export function retryCoordinates(
  message: KafkaMessage,
  originalTopic: string,
  retryPartition: number,
): Coordinates {
  return {
    topic: originalTopic,
    partition: Number(headerString(message.headers, H.originalPartition) ?? retryPartition),
    offset: headerString(message.headers, H.originalOffset) ?? message.offset,
    timestamp: headerString(message.headers, H.originalTimestamp) ?? message.timestamp,
    attempt: Math.max(1, Number(headerString(message.headers, H.attempt)) || 2),
  };
}
