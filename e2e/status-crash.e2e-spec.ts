import { PayloadInput, Topics, uuidv7 } from '@smsgate/contracts';
import {
  connectTestDatabase,
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  testProducer,
  waitFor,
} from '@smsgate/testing';
import { Producer } from 'kafkajs';
import { Client } from 'pg';

type Requested = PayloadInput<typeof Topics.outboundRequested>;
type Status = PayloadInput<typeof Topics.outboundStatus>;
type Receipt = PayloadInput<typeof Topics.receiptReceived>;

const MESSAGES = 2_000;
/** Per message: wired, a late sent, the final receipt, that receipt again, a second final report. */
const STATUS_EVENTS_PER_MESSAGE = 5;
/** History rows per message: accepted, wired, sent, final, second final (the repeat is not one). */
const HISTORY_PER_MESSAGE = 5;

/**
 * dlr-tracker is killed with SIGKILL in the middle of 10,000 status events — dispatch results and
 * provider receipts, some receipts racing ahead of their submit result, repeats and late reports —
 * and restarted: every message ends in the right state and no history row is recorded twice.
 */
describe('a dlr-tracker crash during 10,000 status events', () => {
  let ingress: ServiceProcess;
  let tracker: ServiceProcess;
  let producer: Producer;
  let db: Client;

  beforeAll(async () => {
    // Parked events whose other half arrived while the tracker was dead are looked after by this task.
    const env = serviceEnv({ PARKED_REPORT_INTERVAL_MS: '1000' });
    producer = testProducer('status-crash-e2e');
    [ingress, tracker, db] = await Promise.all([
      ServiceProcess.start('ingress', env),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-status-crash-e2e', env),
      connectTestDatabase(),
      producer.connect(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), tracker?.stop(), producer?.disconnect(), db?.end()]);
  });

  const count = async (sql: string, channel: string) =>
    Number((await db.query<{ n: string }>(sql, [channel])).rows[0].n);
  const historyRows = (channel: string) =>
    count(
      `SELECT count(*) AS n FROM message_events e JOIN messages m ON m.id = e.message_id WHERE m.channel_id = $1`,
      channel,
    );

  it('ends every message in the right state, with no history row twice', async () => {
    const workspace = await createWorkspace(ingress.url, 'e2e status crash');
    const channel = (await createChannel(ingress.url, workspace.apiKey)).uuid;
    const base = Date.now() - 60_000;
    const messages = Array.from({ length: MESSAGES }, (_, n) => ({
      id: uuidv7(),
      providerId: `smsc-${n}-${uuidv7()}`,
      final: n % 5 === 0 ? ('failed' as const) : ('delivered' as const),
      // Every other receipt arrives before the dispatch result that names its provider id.
      receiptFirst: n % 2 === 0,
      at: (step: number) => new Date(base + n + step * 1_000).toISOString(),
    }));

    const requests: Requested[] = messages.map((m, n) => ({
      id: m.id,
      workspace: workspace.id,
      channel,
      to: `+2547${String(10_000_000 + n).slice(-8)}`,
      text: `status crash ${n}`,
      priority: 'normal',
    }));
    await producer.send({
      topic: Topics.outboundRequested,
      acks: -1,
      messages: requests.map((r) => ({ key: r.id, value: JSON.stringify(r) })),
    });
    await waitFor(async () => (await historyRows(channel)) === MESSAGES, {
      timeoutMs: 60_000,
      message: `${MESSAGES} accepted messages`,
    });

    const statuses: Status[] = [];
    const receipts: Receipt[] = [];
    for (const m of messages) {
      const status = (status: Status['status'], step: number): Status => ({
        eventId: uuidv7(),
        id: m.id,
        workspace: workspace.id,
        channel,
        status,
        attempt: 1,
        providerMessageId: m.providerId,
        at: m.at(step),
      });
      const receipt = (status: Receipt['status'], step: number): Receipt => ({
        eventId: uuidv7(),
        workspace: workspace.id,
        channel,
        providerMessageId: m.providerId,
        status,
        detail: { stat: status === 'delivered' ? 'DELIVRD' : 'UNDELIV' },
        at: m.at(step),
        receivedAt: m.at(step),
      });
      const final = receipt(m.final, 3);
      const wired = status('wired', 1);
      const lateSent = status('sent', 2);
      // A second report of the same final state, under another id: kept in history, not applied.
      const secondFinal = receipt(m.final, 4);
      if (m.receiptFirst) receipts.push(final, final);
      statuses.push(wired, lateSent);
      if (!m.receiptFirst) receipts.push(final, final);
      receipts.push(secondFinal);
    }
    expect(statuses.length + receipts.length).toBe(MESSAGES * STATUS_EVENTS_PER_MESSAGE);

    const sendAll = async () => {
      for (let start = 0; start < MESSAGES * 3; start += 500) {
        await producer.send({
          topic: Topics.receiptReceived,
          acks: -1,
          messages: receipts
            .slice(start, start + 500)
            .map((r) => ({ key: r.channel, value: JSON.stringify(r) })),
        });
        await producer.send({
          topic: Topics.outboundStatus,
          acks: -1,
          messages: statuses
            .slice((start / 3) * 2, ((start + 500) / 3) * 2)
            .map((s) => ({ key: s.id, value: JSON.stringify(s) })),
        });
      }
    };
    const sending = sendAll();
    const killAt = MESSAGES + 2_500;
    await waitFor(async () => (await historyRows(channel)) >= killAt, {
      timeoutMs: 60_000,
      intervalMs: 20,
      message: `${killAt} history rows before the kill`,
    });
    await tracker.stop('SIGKILL');
    await sending;
    const beforeRestart = await historyRows(channel);
    expect(beforeRestart).toBeLessThan(MESSAGES * HISTORY_PER_MESSAGE);
    await tracker.restart();

    await waitFor(async () => (await historyRows(channel)) >= MESSAGES * HISTORY_PER_MESSAGE, {
      timeoutMs: 120_000,
      message: `${MESSAGES * HISTORY_PER_MESSAGE} history rows`,
    });
    await waitFor(
      async () =>
        (await count(
          `SELECT count(*) AS n FROM messages WHERE channel_id = $1 AND status IN ('delivered', 'failed')`,
          channel,
        )) === MESSAGES,
      { timeoutMs: 60_000, message: 'every message final' },
    );

    const rows = await db.query<{ id: string; status: string; history: string; applied_finals: string }>(
      `SELECT m.id, m.status,
              (SELECT count(*) FROM message_events e WHERE e.message_id = m.id) AS history,
              (SELECT count(*) FROM message_events e
                WHERE e.message_id = m.id AND e.applied AND e.status IN ('delivered', 'failed')) AS applied_finals
       FROM messages m WHERE m.channel_id = $1`,
      [channel],
    );
    const expected = new Map(messages.map((m) => [m.id, m.final]));
    expect(rows.rows).toHaveLength(MESSAGES);
    expect(rows.rows.filter((row) => row.status !== expected.get(row.id))).toEqual([]);
    expect(rows.rows.filter((row) => Number(row.history) !== HISTORY_PER_MESSAGE)).toEqual([]);
    expect(rows.rows.filter((row) => Number(row.applied_finals) !== 1)).toEqual([]);
    await waitFor(
      async () =>
        (await count(`SELECT count(*) AS n FROM parked_events WHERE channel_id = $1`, channel)) === 0,
      { message: 'no event left parked' },
    );
  }, 300_000);
});
