import { randomBytes } from 'node:crypto';
import { ICustomPartitioner } from 'kafkajs';

/**
 * kafkajs' DefaultPartitioner (the Java client's: murmur2 of the key, positive, modulo the partition
 * count; keyless messages round-robin over available partitions), with the hash in 32-bit integer
 * arithmetic. kafkajs computes it with 64-bit `Long` objects, several allocations per byte group;
 * the results are the same (the spec compares them), so events keep the partitions other producers
 * give their keys.
 */
export function murmur2(key: Buffer | string): number {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(String(key));
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2] << 16;
  if (rest >= 2) h ^= data[whole + 1] << 8;
  if (rest >= 1) {
    h ^= data[whole];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

const toPositive = (x: number) => x & 0x7fffffff;

/**
 * The partition a keyed record goes to on a topic of `partitions` partitions, as every producer here
 * (and the Java client) places it: a consumer can tell which of its partitions a key belongs to.
 */
export function partitionOfKey(key: Buffer | string, partitions: number): number {
  return toPositive(murmur2(key)) % partitions;
}

export const fastDefaultPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined)
      return partitionOfKey(message.key, partitionMetadata.length);
    const counter = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    return available.length > 0
      ? available[toPositive(counter) % available.length].partitionId
      : toPositive(counter) % partitionMetadata.length;
  };
};
