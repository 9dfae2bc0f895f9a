import { generateApiKey, hashApiKey } from '@smsgate/auth';
import { PayloadInput, RECEIPT_SOURCE, receiptKey, Topics, uuidv7 } from '@smsgate/contracts';
import { messageSweepQueries, SecretBox } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import {
  connectTestClients,
  freshGroupAtEnd,
  InProcessService,
  RecordingServer,
  SECRETS_KEY,
  TestClients,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';
import { Client } from 'pg';
import { startDlrTracker } from '../dlr-tracker.testing';

const brokers = process.env.KAFKA_BROKERS!;

type Status = PayloadInput<typeof Topics.outboundStatus>;

interface HistoryRow {
  event_id: string;
  status: string;
  previous_status: string;
  applied: boolean;
  source: string;
  detail: Record<string, unknown>;
  at: Date;
}

describe('receipt timeout against Kafka and PostgreSQL', () => {
  let clients: TestClients;
  let db: Client;
  let publisher: EventPublisher;
  let probe: TopicProbe;
  let tracker: InProcessService;
  let receiver: RecordingServer;
  let workspace: string;

  beforeAll(async () => {
    const groupId = await freshGroupAtEnd(brokers, 'receipt-timeout-it');
    clients = await connectTestClients('receipt-timeout-it', [Topics.messageStatusChanged]);
    ({ db, publisher, probe } = clients);
    receiver = await RecordingServer.start();
    receiver.replyAlways({ status: 204 });
    tracker = await startDlrTracker(groupId, {
      RECEIPT_TIMEOUT_SWEEP_INTERVAL_MS: '200',
      CALLBACK_POLL_INTERVAL_MS: '50',
    });
    workspace = uuidv7();
    const apiKey = generateApiKey();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix, signing_secret) VALUES ($1, 'rt', $2, $3, $4)`,
      [
        workspace,
        hashApiKey(apiKey),
        apiKey.slice(0, 10),
        new SecretBox(SECRETS_KEY).seal({ signingSecret: 'whsec_rt' }),
      ],
    );
  });

  afterAll(async () => {
    await tracker?.app.close();
    await Promise.all([clients?.close(), receiver?.stop()]);
  });

  /** A channel of the test's workspace with this config. */
  const channel = async (config: Record<string, unknown>): Promise<string> => {
    const id = uuidv7();
    await db.query(
      `INSERT INTO channels (id, workspace_id, type, name, config) VALUES ($1, $2, 'ex', 'rt', $3::jsonb)`,
      [id, workspace, JSON.stringify(config)],
    );
    return id;
  };

  /** A message requested on `channelId` with a notifyUrl, then reported sent by the dispatcher. */
  const sentMessage = async (channelId: string, providerMessageId: string): Promise<string> => {
    const id = uuidv7();
    await publisher.publish(
      Topics.outboundRequested,
      {
        id,
        workspace,
        channel: channelId,
        to: '+254712345678',
        text: 'hello',
        notifyUrl: receiver.url(`/hook/${id}`),
      },
      { key: id },
    );
    await waitFor(async () => (await statusOf(id)) === 'accepted', { message: `${id} accepted` });
    const sent: Status = {
      eventId: uuidv7(),
      id,
      workspace,
      channel: channelId,
      status: 'sent',
      attempt: 1,
      providerMessageId,
      at: new Date().toISOString(),
    };
    await publisher.publish(Topics.outboundStatus, sent, { key: id });
    await waitFor(async () => (await statusOf(id)) === 'sent', { message: `${id} sent` });
    return id;
  };

  const statusOf = async (id: string): Promise<string | undefined> =>
    (await db.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [id])).rows[0]?.status;

  const history = async (id: string): Promise<HistoryRow[]> =>
    (
      await db.query<HistoryRow>(
        `SELECT event_id, status, previous_status, applied, source, detail, at FROM message_events
         WHERE message_id = $1 ORDER BY at, status`,
        [id],
      )
    ).rows;

  /** The callbacks the receiver got for a message: status, previous status and the event id header. */
  const callbacks = (id: string) =>
    receiver.requests
      .filter((request) => request.url === `/hook/${id}`)
      .map((request) => {
        const body = JSON.parse(request.body) as { eventId: string; status: string; previousStatus: string };
        return {
          status: body.status,
          previousStatus: body.previousStatus,
          eventId: body.eventId,
          header: request.headers['x-smsgate-event-id'],
        };
      });

  it('closes a sent message as unknown after its channel timeout, calls back, records it once, and lets a late receipt win', async () => {
    const timed = await channel({ send_url: 'https://aggregator.example/send', receipt_timeout_seconds: 1 });
    const off = await channel({ send_url: 'https://aggregator.example/send', receipt_timeout_seconds: 0 });
    const waiting = await sentMessage(off, 'rt-off');
    const id = await sentMessage(timed, 'rt-1');
    const sentAt = (await history(id)).find((row) => row.status === 'sent')!.at;

    await waitFor(async () => (await statusOf(id)) === 'unknown', {
      timeoutMs: 15_000,
      message: `${id} to be unknown`,
    });
    const [unknown] = (await history(id)).filter((row) => row.status === 'unknown');
    expect(unknown).toMatchObject({
      applied: true,
      previous_status: 'sent',
      source: 'sweeper',
      detail: expect.objectContaining({ by: 'receipt-timeout', receiptTimeoutSeconds: 1 }),
    });
    expect(unknown.at.getTime()).toBe(sentAt.getTime() + 1_000);
    await probe.waitFor(
      (m) =>
        m.topic === Topics.messageStatusChanged &&
        (m.value as { id: string }).id === id &&
        (m.value as { status: string }).status === 'unknown',
      { message: 'the unknown status change' },
    );
    await waitFor(() => callbacks(id).some((c) => c.status === 'unknown'), {
      message: 'the unknown callback',
    });
    const callback = callbacks(id).find((c) => c.status === 'unknown')!;
    expect(callback).toEqual({
      status: 'unknown',
      previousStatus: 'sent',
      eventId: unknown.event_id,
      header: unknown.event_id,
    });

    // The same timeout again (a second sweep, another replica): recorded once, called back once.
    const again: Status = {
      eventId: unknown.event_id,
      id,
      workspace,
      channel: timed,
      status: 'unknown',
      attempt: 1,
      detail: { by: 'receipt-timeout' },
      at: unknown.at.toISOString(),
    };
    await publisher.publish(Topics.outboundStatus, again, { key: id });
    // The provider's receipt comes after all, as smpp-binds publishes one it can place: on the status
    // topic, behind the repeat on the message's partition. It tells what happened, so it wins.
    const late: Status = {
      eventId: uuidv7(),
      id,
      workspace,
      channel: timed,
      status: 'delivered',
      providerMessageId: 'rt-1',
      detail: { stat: 'DELIVRD', by: RECEIPT_SOURCE },
      at: new Date().toISOString(),
    };
    await publisher.publish(Topics.outboundStatus, late, { key: id });
    await waitFor(async () => (await statusOf(id)) === 'delivered', { message: `${id} delivered late` });
    await waitFor(() => callbacks(id).some((c) => c.status === 'delivered'), {
      message: 'the delivered callback',
    });
    expect(callbacks(id).map((c) => c.status)).toEqual(['accepted', 'sent', 'unknown', 'delivered']);
    expect(callbacks(id)[3]?.previousStatus).toBe('unknown');
    expect((await history(id)).filter((row) => row.status === 'unknown')).toHaveLength(1);
    const error = await db.query<{ error: unknown }>('SELECT error FROM messages WHERE id = $1', [id]);
    expect(error.rows[0]?.error).toBeNull();

    // A second report, out of order and by the provider's id only, is kept: the first report won.
    await publisher.publish(
      Topics.receiptReceived,
      {
        eventId: uuidv7(),
        workspace,
        channel: timed,
        providerMessageId: 'rt-1',
        status: 'failed',
        detail: { stat: 'UNDELIV' },
        at: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
      },
      { key: receiptKey(timed, 'rt-1') },
    );
    await waitFor(async () => (await history(id)).some((row) => row.status === 'failed'), {
      message: 'the second late report in history',
    });
    expect((await history(id)).find((row) => row.status === 'failed')?.applied).toBe(false);
    expect(await statusOf(id)).toBe('delivered');

    // A tracker that died after POSTing a callback but before recording it sends it again when the
    // lease ends (here: the record is undone by hand), under the same event id for the receiver.
    await db.query(
      `UPDATE callback_outbox SET state = 'pending', finished_at = NULL, next_attempt_at = now() WHERE event_id = $1`,
      [unknown.event_id],
    );
    await waitFor(() => callbacks(id).filter((c) => c.status === 'unknown').length === 2, {
      message: 'the unknown callback again',
    });
    expect(callbacks(id).filter((c) => c.status === 'unknown')).toEqual([callback, callback]);

    // A channel with the timeout turned off leaves its message waiting.
    expect(await statusOf(waiting)).toBe('sent');
  });

  it('finds overdue messages by one probe per channel of messages_awaiting_receipt', async () => {
    await db.query('BEGIN');
    try {
      // As on a big table: the planner may not scan messages whole.
      await db.query('SET LOCAL enable_seqscan = off');
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${messageSweepQueries.findOverdueReceipts}`,
        [172_800, 500, []],
      );
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('messages_awaiting_receipt');
    } finally {
      await db.query('ROLLBACK');
    }
  });
});
