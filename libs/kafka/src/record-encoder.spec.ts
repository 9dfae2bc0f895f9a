import { randomBytes } from 'node:crypto';
import {
  CRC_MODULE,
  crc32c,
  encodeRecord,
  installRecordEncoder,
  RECORD_MODULE,
  RecordInput,
} from './record-encoder';

type Encoded = { buffer: Buffer };
type ProduceRequest = (options: object) => { encode: () => Promise<Encoded> };

/** kafkajs' own modules, loaded afresh: whatever this file installed does not reach them. */
function pristine<T>(path: string): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module, by path
    loaded = require(path) as T;
  });
  return loaded as T;
}

const kafkajsRecord = pristine<(input: RecordInput) => Encoded>(RECORD_MODULE);

const sample = (seed: number): RecordInput => {
  const texts = ['', 'a', 'status ✓ délivré', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(70_000)];
  const pick = <T>(list: T[], n: number) => list[n % list.length];
  return {
    offsetDelta: pick([0, 1, 63, 64, 127, 128, 8_191, 8_192, 99_999], seed),
    timestampDelta: pick([0, 1, 63, 64, 1_000, 86_400_000, 2 ** 31, 2 ** 40], seed >> 1),
    key: pick<RecordInput['key']>([null, 'msg-1', randomBytes(16), pick(texts, seed)], seed >> 2),
    value: pick<RecordInput['value']>([null, pick(texts, seed >> 3), randomBytes(seed * 37)], seed >> 3),
    headers: pick<RecordInput['headers']>(
      [
        {},
        { 'content-type': 'application/json', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
        { many: ['one', 'two', Buffer.from([0, 255])], empty: '' },
        { ünïcode: 'välue' },
      ],
      seed >> 4,
    ),
  };
};

describe('record encoder', () => {
  it('writes the same bytes as kafkajs for every shape of record', () => {
    for (let seed = 0; seed < 400; seed++) {
      const input = sample(seed);
      expect(encodeRecord(input).buffer.equals(kafkajsRecord(input).buffer)).toBe(true);
    }
  });

  it('computes the CRC-32C kafkajs computes, for every length and content', () => {
    const kafkajsCrc = pristine<(buffer: Buffer) => number>(CRC_MODULE);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the standard check value
    for (let length = 0; length < 300; length++) {
      const buffer = randomBytes(length);
      expect(crc32c(buffer)).toBe(kafkajsCrc(buffer));
    }
    const big = randomBytes(1_000_003);
    expect(crc32c(big)).toBe(kafkajsCrc(big));
  });

  it('gives kafkajs an encoder result it can place in a batch', () => {
    const encoded = encodeRecord({ key: 'k', value: 'v' });
    expect(Buffer.isBuffer(encoded.buf)).toBe(true);
    expect(encoded.buffer).toBe(encoded.buf);
  });

  it('once installed, is what produce requests encode their records with, to the same bytes', async () => {
    let records = 0;
    installRecordEncoder((input) => {
      records++;
      return encodeRecord(input);
    });
    const topicData = [
      {
        topic: 'sms.message.status-changed.v1',
        partitions: [0, 1].map((partition) => ({
          partition,
          firstSequence: 7,
          messages: Array.from({ length: 5 }, (_, n) => ({
            key: `message-${partition}-${n}`,
            value: JSON.stringify({ n, status: 'delivered' }),
            headers: { traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` },
            timestamp: 1_764_000_000_000 + n,
          })),
        })),
      },
    ];
    const options = { acks: -1, timeout: 30_000, topicData };
    const path = 'kafkajs/src/protocol/requests/produce/v3/request.js';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs' own request module
    const patched = await (require(path) as ProduceRequest)(options).encode();
    const original = await pristine<ProduceRequest>(path)(options).encode();
    expect(records).toBe(10);
    expect(patched.buffer.equals(original.buffer)).toBe(true);
  });
});
