import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { fastDefaultPartitioner, murmur2, partitionOfKey } from './partitioner';

// kafkajs' own hash, as its DefaultPartitioner uses it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: unknown,
) => number;

describe('partitioner', () => {
  it('hashes every key as kafkajs does', () => {
    const keys: (string | Buffer)[] = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'ünïcode ✓',
      '0198f0b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b',
    ];
    for (let n = 0; n < 2_000; n++) keys.push(randomBytes(n % 67));
    for (let n = 0; n < 500; n++) keys.push(`channel-${n}:provider-${randomBytes(6).toString('hex')}`);
    for (const key of keys) expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });

  it('puts keyed messages on the partitions kafkajs DefaultPartitioner picks', () => {
    const ours = fastDefaultPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const count of [1, 3, 6, 12, 13]) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        replicas: [1],
        isr: [1],
        partitionErrorCode: 0,
      }));
      for (let n = 0; n < 300; n++) {
        // Message ids and channel ids (uuids): what smpp-binds' ownership computes with partitionOfKey.
        const message = { key: n % 2 ? `message-${n}` : randomUUID(), value: 'v' };
        const partition = theirs({ topic: 't', partitionMetadata, message });
        expect(ours({ topic: 't', partitionMetadata, message })).toBe(partition);
        expect(partitionOfKey(message.key, count)).toBe(partition);
      }
      expect(ours({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v', partition: 0 } })).toBe(
        0,
      );
    }
  });

  it('spreads keyless messages over the available partitions in turn', () => {
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({
      partitionId,
      leader: partitionId === 1 ? -1 : 1,
      replicas: [1],
      isr: [1],
      partitionErrorCode: 0,
    }));
    const pick = fastDefaultPartitioner();
    const picked = Array.from({ length: 6 }, () =>
      pick({ topic: 't', partitionMetadata, message: { value: 'v' } }),
    );
    expect(new Set(picked)).toEqual(new Set([0, 2]));
    expect(picked[0]).not.toBe(picked[1]);
  });
});
