import { generateApiKey, hashApiKey } from '@smsgate/auth';
import { PayloadInput, RECEIPT_SOURCE, receiptKey, Topics, uuidv7 } from '@smsgate/contracts';
import { messageSweepQueries, SecretBox } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import {
  connectTestClients,
  freshGroupAtEnd,
  InProcessService,
  RecordingServer,
  ADMIN_TOKEN,
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
  let apiKey: string;

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
    apiKey = generateApiKey();
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

  /** GET on the tracker's API with this bearer token and headers: status and JSON body. */
  const get = async (path: string, token: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${tracker.url}${path}`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("shows a message's status callbacks on its page; the admin token reads the workspace X-Smsgate-Workspace names", async () => {
    const channelId = await channel({ send_url: 'https://aggregator.example/send' });
    const id = uuidv7();
    await publisher.publish(
      Topics.outboundRequested,
      {
        id,
        workspace,
        channel: channelId,
        to: '+254712345679',
        text: 'with callbacks',
        // The query may hold a secret of the receiver's: the page leaves it out.
        notifyUrl: receiver.url(`/page/${id}?token=hook-secret`),
      },
      { key: id },
    );
    await waitFor(async () => (await statusOf(id)) === 'accepted', { message: `${id} accepted` });
    for (const status of ['sent', 'delivered'] as const) {
      const change: Status = {
        eventId: uuidv7(),
        id,
        workspace,
        channel: channelId,
        status,
        attempt: 1,
        providerMessageId: `page-${id}`,
        at: new Date().toISOString(),
      };
      await publisher.publish(Topics.outboundStatus, change, { key: id });
      await waitFor(async () => (await statusOf(id)) === status, { message: `${id} ${status}` });
    }
    await waitFor(
      async () => {
        const { rows } = await db.query<{ state: string }>(
          'SELECT state FROM callback_outbox WHERE message_id = $1',
          [id],
        );
        return rows.length === 3 && rows.every((row) => row.state === 'delivered');
      },
      { message: 'three callbacks delivered' },
    );
    expect(
      receiver.requests.filter((request) => request.url === `/page/${id}?token=hook-secret`),
    ).toHaveLength(3);

    const asAdmin = { 'x-smsgate-workspace': workspace };
    const page = await get(`/v1/messages/${id}`, ADMIN_TOKEN, asAdmin);
    expect(page.status).toBe(200);
    const done = { url: receiver.url(`/page/${id}`), state: 'delivered', attempts: 1, lastError: null };
    const times = {
      createdAt: expect.stringMatching(/^\d{4}-/),
      finishedAt: expect.stringMatching(/^\d{4}-/),
    };
    expect(page.body.callbacks).toEqual([
      { status: 'accepted', ...done, ...times },
      { status: 'sent', ...done, ...times },
      { status: 'delivered', ...done, ...times },
    ]);
    // (The message's own `notifyUrl` stays as the workspace gave it.)
    expect(JSON.stringify(page.body.callbacks)).not.toContain('hook-secret');
    // The same page to the workspace's key.
    expect(await get(`/v1/messages/${id}`, apiKey)).toEqual(page);

    const list = await get('/v1/messages?limit=500', ADMIN_TOKEN, asAdmin);
    expect(list.status).toBe(200);
    expect((list.body.data as { id: string }[]).map((message) => message.id)).toContain(id);

    // Every message of this workspace was created in this run: within the last hour.
    const { rows: stored } = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM messages WHERE workspace_id = $1 GROUP BY status',
      [workspace],
    );
    const count = (status?: string) =>
      stored.filter((row) => !status || row.status === status).reduce((sum, row) => sum + row.n, 0);
    const traffic = await get('/v1/stats/traffic', ADMIN_TOKEN, asAdmin);
    expect(traffic.status).toBe(200);
    expect(traffic.body).toMatchObject({ window: '1h', bucketSeconds: 60 });
    expect(traffic.body.buckets).toHaveLength(60);
    const totals = traffic.body.totals as { messages: number; delivered: number; latencyMs: unknown };
    expect(totals).toMatchObject({ messages: count(), delivered: count('delivered') });
    expect(count('delivered')).toBeGreaterThanOrEqual(1);
    expect(totals.latencyMs).toEqual({
      p50: expect.any(Number),
      p90: expect.any(Number),
      p99: expect.any(Number),
    });
    const buckets = traffic.body.buckets as { byChannel: Record<string, number> }[];
    expect(buckets.reduce((sum, bucket) => sum + (bucket.byChannel[channelId] ?? 0), 0)).toBe(1);
    expect((await get('/v1/stats/traffic', apiKey)).body.totals).toEqual(totals);

    // The admin token names a workspace, one that exists; a wrong token is no key.
    expect(await get('/v1/stats/traffic', ADMIN_TOKEN)).toMatchObject({
      status: 400,
      body: { message: 'X-Smsgate-Workspace names the workspace an admin token acts in' },
    });
    expect(await get('/v1/messages', ADMIN_TOKEN, { 'x-smsgate-workspace': 'clinic' })).toMatchObject({
      status: 400,
    });
    const unknown = uuidv7();
    expect(await get('/v1/messages', ADMIN_TOKEN, { 'x-smsgate-workspace': unknown })).toMatchObject({
      status: 404,
      body: { message: `workspace ${unknown} not found` },
    });
    expect(await get('/v1/messages', 'not-the-admin-token-0123', asAdmin)).toMatchObject({ status: 401 });
    expect(await get('/v1/stats/traffic?window=7d', apiKey)).toMatchObject({ status: 400 });
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
