import { DeadLetterV1, parsePayload, Topics } from '@smsgate/contracts';
import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { EventPublisher, RawRecord } from './event-publisher';

export interface ReplayFilter {
  /** Only letters from this topic (`sourceTopic`). */
  sourceTopic?: string;
  /** Only letters of this consumer group. */
  group?: string;
  /** Only letters whose reason matches. */
  reason?: RegExp;
  /** Only letters that failed at or after / before this time. */
  since?: Date;
  until?: Date;
  /** Only these dead-letter ids. */
  ids?: string[];
}

export interface ReplayOptions {
  filter?: ReplayFilter;
  /** Reports what would be replayed and publishes nothing. */
  dryRun?: boolean;
  /** Replays at most this many (the oldest first). */
  limit?: number;
  /** Gives up reading the dead-letter topic after this long. */
  timeoutMs?: number;
}

export interface ReplayedLetter {
  id: string;
  sourceTopic: string;
  group: string;
  partition: number;
  offset: string;
  key?: string;
  reason: string;
  failedAt: string;
}

export interface ReplayReport {
  /** Dead-letter records read (everything up to the end of the topic when the replay started). */
  scanned: number;
  matched: ReplayedLetter[];
  replayed: number;
  /** Records that are not dead letters, or that cannot go back where they came from. */
  unusable: { partition: number; offset: string; reason: string }[];
  dryRun: boolean;
}

export const REPLAYED_FROM_HEADER = 'x-smsgate-replayed-from';

/**
 * Reads `sms.deadletter.v1` up to where it ends now, picks the letters matching the filter and publishes
 * each one's original record — key, value bytes and headers (including `traceparent`) — back to the topic
 * it came from, marked with `x-smsgate-replayed-from: <dead-letter id>`. Every consumer group of that
 * topic sees it again; consumers apply an event id once, so a replay of something already applied
 * changes nothing. Letters stay in the dead-letter topic (it is a log); filter by time to avoid
 * replaying the same ones twice.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  publisher: EventPublisher | undefined,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !publisher) throw new Error('a connected publisher is needed unless dryRun');
  const letters = await readDeadLetters(kafka, options.timeoutMs ?? 60_000);
  const report: ReplayReport = { scanned: letters.length, matched: [], replayed: 0, unusable: [], dryRun };
  const chosen: DeadLetterV1[] = [];
  for (const record of letters) {
    if (!record.ok) {
      report.unusable.push({ partition: record.partition, offset: record.offset, reason: record.reason });
      continue;
    }
    const letter = record.letter;
    if (!matches(letter, options.filter ?? {})) continue;
    if (letter.sourceTopic.startsWith('smsgate.retry.')) {
      report.unusable.push({
        partition: record.partition,
        offset: record.offset,
        reason: `letter ${letter.id} came from a retry topic without its retry headers; not replayable`,
      });
      continue;
    }
    if (options.limit !== undefined && chosen.length >= options.limit) break;
    chosen.push(letter);
    report.matched.push({
      id: letter.id,
      sourceTopic: letter.sourceTopic,
      group: letter.group,
      partition: letter.partition,
      offset: letter.offset,
      key: letter.key,
      reason: letter.reason,
      failedAt: letter.failedAt,
    });
  }
  if (dryRun || chosen.length === 0) return report;

  const byTopic = new Map<string, RawRecord[]>();
  for (const letter of chosen) {
    const messages = byTopic.get(letter.sourceTopic) ?? [];
    messages.push({
      key: letter.key,
      value: Buffer.from(letter.value, letter.valueEncoding === 'base64' ? 'base64' : 'utf8'),
      headers: { ...letter.headers, [REPLAYED_FROM_HEADER]: letter.id },
    });
    byTopic.set(letter.sourceTopic, messages);
  }
  for (const [topic, messages] of byTopic) {
    await publisher!.publishRaw(topic, messages);
    report.replayed += messages.length;
  }
  return report;
}

export interface BrowseReport {
  /** Dead-letter records read (everything up to the end of the topic when the browse started). */
  scanned: number;
  /** The matching letters, newest first, at most `limit`. */
  letters: DeadLetterV1[];
  /** How many matched in all (more than `letters` holds when the limit cut them). */
  matched: number;
  unusable: { partition: number; offset: string; reason: string }[];
}

/** The dead letters matching `filter`, newest first (by failure time), at most `limit`. Publishes nothing. */
export async function browseDeadLetters(
  kafka: Kafka,
  options: { filter?: ReplayFilter; limit?: number; timeoutMs?: number } = {},
): Promise<BrowseReport> {
  const records = await readDeadLetters(kafka, options.timeoutMs ?? 60_000);
  const found: DeadLetterV1[] = [];
  const unusable: BrowseReport['unusable'] = [];
  for (const record of records) {
    if (!record.ok)
      unusable.push({ partition: record.partition, offset: record.offset, reason: record.reason });
    else if (matches(record.letter, options.filter ?? {})) found.push(record.letter);
  }
  found.sort((a, b) => Date.parse(b.failedAt) - Date.parse(a.failedAt));
  return {
    scanned: records.length,
    letters: options.limit === undefined ? found : found.slice(0, options.limit),
    matched: found.length,
    unusable,
  };
}

function matches(letter: DeadLetterV1, filter: ReplayFilter): boolean {
  const failedAt = Date.parse(letter.failedAt);
  return (
    (filter.sourceTopic === undefined || letter.sourceTopic === filter.sourceTopic) &&
    (filter.group === undefined || letter.group === filter.group) &&
    (filter.reason === undefined || filter.reason.test(letter.reason)) &&
    (filter.since === undefined || failedAt >= filter.since.getTime()) &&
    (filter.until === undefined || failedAt < filter.until.getTime()) &&
    (filter.ids === undefined || filter.ids.includes(letter.id))
  );
}

type ReadRecord =
  | { ok: true; letter: DeadLetterV1; partition: number; offset: string }
  | { ok: false; reason: string; partition: number; offset: string };

/** Every record of the dead-letter topic up to its end offsets as of now, oldest first per partition. */
async function readDeadLetters(kafka: Kafka, timeoutMs: number): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(Topics.deadLetter);
    ends = new Map(
      offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
    );
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];

  const groupId = `smsgate-dlq-replay-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  const records: ReadRecord[] = [];
  const pending = new Set(ends.keys());
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.deadLetter], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${Topics.deadLetter} took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = ends.get(batch.partition);
            if (end === undefined) return;
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end) break;
              records.push(decode(batch.partition, message.offset, message.value));
            }
            const last = batch.messages[batch.messages.length - 1];
            if (last && BigInt(last.offset) + 1n >= end) pending.delete(batch.partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

function decode(partition: number, offset: string, value: Buffer | null): ReadRecord {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return { ok: false, reason: 'not JSON', partition, offset };
  }
  const parsed = parsePayload(Topics.deadLetter, json);
  return parsed.ok
    ? { ok: true, letter: parsed.value, partition, offset }
    : { ok: false, reason: `not a dead letter: ${parsed.reason}`, partition, offset };
}
