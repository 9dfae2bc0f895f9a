import { smppSubmitQueries, SmppSubmitsRepository } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { ShortMessagePdu } from '@smsgate/smpp';
import { DataSource } from 'typeorm';
import { BindRegistry } from '../binds/bind-registry';
import { Ownership } from '../binds/ownership';
import { SmppBindsConfig } from '../config';
import { SubmitLedger } from './submit-ledger';
import { consumedEvent, oneChannel, submitRequest } from './submit-fixtures.testing';
import { SubmitMessage } from './submit-message.use-case';
import { SubmittedParts } from './submitted-parts';

// One submit per part whatever fails after the SMSC's acknowledgement: the ledger's database is a
// stand-in that can fail its writes, the SMSC one that counts submit_sm per destination.
function setUp(options: { failingWrites?: number; submitMs?: number } = {}) {
  const rows = new Map<
    string,
    { message_id: string; part_index: number; part_count: number; smsc_message_id: string }
  >();
  let failingWrites = options.failingWrites ?? 0;
  const dataSource = {
    query: async (sql: string, params: unknown[][]) => {
      if (sql === smppSubmitQueries.findByMessages) {
        const ids = new Set(params[0] as string[]);
        return [...rows.values()].filter((row) => ids.has(row.message_id));
      }
      if (failingWrites > 0) {
        failingWrites--;
        throw new Error('the database system is shutting down');
      }
      params[0].forEach((id, i) => {
        const key = `${String(id)}:${String(params[1][i])}`;
        if (!rows.has(key))
          rows.set(key, {
            message_id: id as string,
            part_index: params[1][i] as number,
            part_count: params[2][i] as number,
            smsc_message_id: params[4][i] as string,
          });
      });
      return [];
    },
  } as unknown as DataSource;
  const submits: string[] = [];
  const pool = {
    submit: async (pdu: ShortMessagePdu) => {
      submits.push(pdu.destination.addr);
      await new Promise((resolve) => setTimeout(resolve, options.submitMs ?? 5));
      return { kind: 'accepted', messageId: `smsc-${submits.length}`, bind: 'b1' };
    },
  };
  const published: string[] = [];
  const publisher = {
    publishAll: (_topic: string, events: { payload: { status: string } }[]) => {
      published.push(...events.map((event) => event.payload.status));
      return Promise.resolve();
    },
    publish: (_topic: string, payload: { status: string }) => {
      published.push(payload.status);
      return Promise.resolve();
    },
  } as unknown as EventPublisher;
  const use = new SubmitMessage(
    oneChannel('smpp'),
    { poolFor: () => pool } as unknown as BindRegistry,
    { owns: () => true } as unknown as Ownership,
    new SubmitLedger(new SmppSubmitsRepository(dataSource)),
    new SubmittedParts(),
    publisher,
    { RETRY_DELAYS_MS: [10], SUBMIT_HOLD_MS: 1_000 } as unknown as SmppBindsConfig,
  );
  return { use, submits, published, rows };
}

describe('SubmitMessage: one submit per part', () => {
  it('submits two copies of a message handled at the same time once', async () => {
    const { use, submits, published } = setUp({ submitMs: 30 });
    const copy = submitRequest();
    const outcomes = await Promise.all([
      use.execute(consumedEvent(copy)),
      use.execute(consumedEvent(copy, 2)),
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['done', 'done']);
    expect(submits).toHaveLength(1);
    // Both copies report the part as sent (with the same event id: the tracker records it once).
    expect(published).toEqual(['sent', 'sent']);
  });

  it('keeps an acknowledged part and repeats its record while the database is down, never the submit', async () => {
    const { use, submits, rows } = setUp({ failingWrites: 3 });
    const copy = submitRequest('x'.repeat(200)); // two parts
    const outcome = await use.execute(consumedEvent(copy));
    expect(outcome.kind).toBe('done');
    expect(submits).toHaveLength(2);
    expect(rows.size).toBe(2);
    // A replay (offset not committed when the consumer restarted) finds both parts acknowledged.
    expect((await use.execute(consumedEvent(copy))).kind).toBe('done');
    expect(submits).toHaveLength(2);
  });
});
