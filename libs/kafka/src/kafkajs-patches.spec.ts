import { createKafka } from './create-kafka';
import { encodeRecord, RECORD_MODULE } from './record-encoder';
import { scheduleCheckPendingRequests, scheduleRequestTimeoutCheck } from './request-queue-timer';

/* eslint-disable @typescript-eslint/no-require-imports */
const kafkajsModule = (name: string) => require(require.resolve(name)) as Record<string, unknown>;
const prototypeOf = (name: string) =>
  (kafkajsModule(name) as { prototype: Record<string, unknown> }).prototype;

describe('kafkajs patches', () => {
  it('are installed by createKafka, before a client exists, and not by importing the library', () => {
    const requestQueue = prototypeOf('kafkajs/src/network/requestQueue/index.js');
    const consumerGroup = prototypeOf('kafkajs/src/consumer/consumerGroup.js');
    const originalFetch = consumerGroup.fetch;
    expect(requestQueue.scheduleRequestTimeoutCheck).not.toBe(scheduleRequestTimeoutCheck);
    expect(require(require.resolve(RECORD_MODULE))).not.toBe(encodeRecord);

    createKafka({ brokers: ['127.0.0.1:9'], clientId: 'patches-spec' });

    expect(require(require.resolve(RECORD_MODULE))).toBe(encodeRecord);
    expect(requestQueue.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
    expect(requestQueue.scheduleRequestTimeoutCheck).toBe(scheduleRequestTimeoutCheck);
    expect(consumerGroup.fetch).not.toBe(originalFetch);
  });
});
