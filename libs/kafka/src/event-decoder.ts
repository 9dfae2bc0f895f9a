import { parsePayload, PayloadOf, Topic } from '@smsgate/contracts';
import { KafkaMessage } from 'kafkajs';
import { ConsumedEvent } from './consumed-batch';
import { stringHeaders } from './record-headers';

/** Where a consumed record counts as coming from: its own place, or the original one of a retry. */
export interface Coordinates {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  attempt: number;
}

export type Decoded<T extends Topic> =
  | { ok: true; event: ConsumedEvent<PayloadOf<T>>; message: KafkaMessage }
  | { ok: false; reason: string; coordinates: Coordinates; message: KafkaMessage };

/** Parses a record's value as JSON and validates it against `topic`'s contract. */
export function decodeEvent<T extends Topic>(topic: T, message: KafkaMessage, at: Coordinates): Decoded<T> {
  if (!message.value) return { ok: false, reason: 'empty message value', coordinates: at, message };
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}`, coordinates: at, message };
  }
  const parsed = parsePayload(topic, json);
  if (!parsed.ok)
    return { ok: false, reason: `invalid ${topic} payload: ${parsed.reason}`, coordinates: at, message };
  return {
    ok: true,
    message,
    event: {
      payload: parsed.value,
      key: message.key?.toString('utf8'),
      headers: stringHeaders(message.headers),
      ...at,
    },
  };
}
