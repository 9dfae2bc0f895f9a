import { createHash, randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Random bytes are drawn 4 KiB at a time: one system call per 200 ids instead of two per id.
const POOL_SIZE = 4_096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;
function random(size: number): Buffer {
  if (poolOffset + size > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  poolOffset += size;
  return bytes;
}

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids sort by creation time, which
 * keeps the messages table's primary key index append-mostly. Within one millisecond a 12-bit counter
 * (rand_a) keeps ids from this process monotonic.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now === lastMs) {
    sequence = (sequence + 1) & 0xfff;
  } else {
    lastMs = now;
    sequence = random(2).readUInt16BE(0) & 0x7ff;
  }
  const bytes = random(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * The id of a send request published without one, derived from where it sits in Kafka, so every
 * consumer of the request (dispatcher, dlr-tracker) names the message alike. A UUIDv7 carrying the
 * record's timestamp, with the rest of its bits from a hash of topic, partition and offset.
 */
export function messageIdFromRecord(
  topic: string,
  partition: number,
  offset: string,
  timestampMs: number,
): string {
  const bytes = createHash('sha256').update(`${topic}/${partition}/${offset}`).digest().subarray(0, 16);
  bytes.writeUIntBE(timestampMs, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A stable UUID (RFC 9562 version 8) named by `parts`: the same parts always give the same id, so an
 * event published again after a crash or a replay carries the id it had the first time.
 */
export function stableId(...parts: (string | number)[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = 0x80 | (bytes[6] & 0x0f);
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
