import type { InboundReceivedV1, MessageStatusChangedV1 } from '@smsgate/contracts';
import { createDataSource, SmppAccountsRepository, SmppDeliveriesRepository } from '@smsgate/db';
import type { ConsumedEvent } from '@smsgate/kafka';
import { ShortMessagePdu, SmppSession, Status } from '@smsgate/smpp';
import { AccountDirectory, SmppAccount, SmppServer } from '@smsgate/smpp-server';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryExpiry } from './delivery-expiry';
import { DeliveryPump } from './delivery-pump';
import { SubmitForReceipt } from './delivery-rows';
import { MoUseCase } from './mo.use-case';
import { ReceiptsUseCase } from './receipts.use-case';

const consumed = <T>(payload: T): ConsumedEvent<T> => ({
  payload,
  headers: {},
  topic: 't',
  partition: 0,
  offset: '0',
  timestamp: '0',
  attempt: 1,
});

const waitFor = async (check: () => boolean, what: string, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/**
 * Receipts and MOs through the outbox in real PostgreSQL, the pump and the SMPP server's sessions over
 * TCP, to an ESME bound with smsgate's own SMPP client. The use cases are fed the events directly and
 * the submits a receipt reports on come from a stand-in: the service's Kafka consumers and its real
 * submits are tested end to end (e2e/smpp-server.e2e-spec.ts).
 */
describe('SMPP deliveries (PostgreSQL + SMPP over TCP)', () => {
  let db: DataSource;
  let deliveries: SmppDeliveriesRepository;
  let accounts: SmppAccountsRepository;
  let workspaceId: string;
  let channelId: string;
  let account: SmppAccount;
  const submits: SubmitForReceipt[] = [];
  let server: SmppServer;
  let pump: DeliveryPump;
  let port: number;
  const esmes: SmppSession[] = [];

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 4 }).initialize();
    deliveries = new SmppDeliveriesRepository(db);
    accounts = new SmppAccountsRepository(db);
  });

  afterAll(() => db?.destroy());

  beforeEach(async () => {
    workspaceId = randomUUID();
    channelId = randomUUID();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspaceId, randomUUID()],
    );
    const id = randomUUID();
    const systemId = `it${randomUUID().replace(/-/g, '').slice(0, 13)}`;
    await accounts.create({
      id,
      workspaceId,
      systemId,
      passwordHash: 'unused',
      bindModes: ['receiver', 'transceiver', 'transmitter'],
      maxBinds: 5,
      allowedSources: [],
      tps: null,
      channelId: null,
      inboundAddresses: ['+22141'],
      inboundChannelIds: [],
      enabled: true,
    });
    account = { id, workspaceId, systemId, maxBinds: 5, tps: null, allowedSources: [], channelId: null };
    await startServer();
  });

  afterEach(async () => {
    await Promise.all(esmes.splice(0).map((esme) => esme.close().catch(() => undefined)));
    await stopServer();
  });

  async function startServer() {
    const directory: AccountDirectory = {
      authenticate: (systemId, password) =>
        Promise.resolve(
          systemId === account.systemId && password === 'secret1'
            ? { ok: true as const, account }
            : { ok: false as const, status: Status.ESME_RINVPASWD },
        ),
    };
    let wake: (event: string) => void = () => undefined;
    server = new SmppServer({
      systemId: 'smsgate',
      directory,
      sink: { accept: () => Promise.resolve({ ok: false as const, status: Status.ESME_RSYSERR }) },
      window: 10,
      idleTimeoutMs: 60_000,
      bindTimeoutMs: 5_000,
      responseTimeoutMs: 2_000,
      drainTimeoutMs: 1_000,
      onEvent: (event) => wake(event),
    });
    pump = new DeliveryPump(deliveries, server.registry, { pollIntervalMs: 200, retryDelayMs: 100 });
    wake = (event) => pump.onSessionEvent(event);
    port = await server.listen(0, '127.0.0.1');
    pump.start();
  }

  async function stopServer() {
    await pump.stop();
    await server.close();
  }

  async function bindEsme(answer: number = Status.ESME_ROK) {
    const received: ShortMessagePdu[] = [];
    const esme = await SmppSession.open({
      host: '127.0.0.1',
      port,
      mode: 'receiver',
      systemId: account.systemId,
      password: 'secret1',
      window: 1,
      responseTimeoutMs: 2_000,
      enquireLinkMs: 60_000,
      onInbound: (pdu) => {
        received.push(pdu as ShortMessagePdu);
        return Promise.resolve({ status: answer });
      },
    });
    esmes.push(esme);
    return received;
  }

  const receipts = () =>
    new ReceiptsUseCase(
      {
        submitsForReceipts: (ids) =>
          Promise.resolve(submits.filter((submit) => ids.includes(submit.messageId))),
        insertMany: (rows, hours) => deliveries.insertMany(rows, hours),
      },
      72,
      (ids) => pump.inserted(ids),
    );

  function submitted(registeredDelivery: number): { messageId: string; submitId: string } {
    const messageId = randomUUID();
    const submitId = randomUUID();
    submits.push({
      id: submitId,
      accountId: account.id,
      messageId,
      registeredDelivery,
      source: 'CLINIC',
      destination: '254700000001',
      textHead: 'Your appointment',
      createdAt: new Date('2026-12-05T10:30:00Z'),
    });
    return { messageId, submitId };
  }

  const final = (messageId: string): ConsumedEvent<MessageStatusChangedV1> =>
    consumed({
      eventId: randomUUID(),
      id: messageId,
      workspace: workspaceId,
      direction: 'out',
      status: 'delivered',
      at: '2026-12-05T10:31:00.000Z',
    });

  const rowStates = async () =>
    (
      await db.query<Array<{ state: string }>>(
        `SELECT state FROM smpp_deliveries WHERE account_id = $1 ORDER BY id`,
        [account.id],
      )
    ).map((row) => row.state);

  const text = (pdu: ShortMessagePdu) => Buffer.from(pdu.shortMessage).toString('latin1');

  it('delivers a receipt to a bound receiver at once, once, and a replayed event adds nothing', async () => {
    const received = await bindEsme();
    const { messageId, submitId } = submitted(1);
    const event = final(messageId);
    await receipts().execute([event]);
    await waitFor(() => received.length === 1, 'the receipt');
    expect(text(received[0])).toMatch(
      new RegExp(`^id:${submitId} sub:001 dlvrd:001 .* stat:DELIVRD err:000`),
    );
    expect(received[0].esmClass).toBe(0x04);
    await receipts().execute([event]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toHaveLength(1);
    expect(await rowStates()).toEqual(['delivered']);
  });

  it('keeps a receipt while no receiver is bound, across a restart, and sends it once when one binds', async () => {
    const { messageId, submitId } = submitted(1);
    await receipts().execute([final(messageId)]);
    expect(await rowStates()).toEqual(['pending']);
    await stopServer();
    await startServer();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rowStates()).toEqual(['pending']);
    const received = await bindEsme();
    await waitFor(() => received.length === 1, 'the receipt after the bind');
    expect(text(received[0])).toContain(`id:${submitId}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toHaveLength(1);
    expect(await rowStates()).toEqual(['delivered']);
  });

  it('sends no receipt for registered_delivery 0', async () => {
    const received = await bindEsme();
    const { messageId } = submitted(0);
    await receipts().execute([final(messageId)]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toEqual([]);
    expect(await rowStates()).toEqual([]);
  });

  it("delivers an MO sent to the account's inbound address", async () => {
    const received = await bindEsme();
    const mo = new MoUseCase(
      {
        inboundRoutes: (messages) => accounts.inboundRoutes(messages),
        insertMany: (rows, hours) => deliveries.insertMany(rows, hours),
      },
      72,
      (ids) => pump.inserted(ids),
    );
    const message: InboundReceivedV1 = {
      id: randomUUID(),
      workspace: workspaceId,
      channel: channelId,
      channelType: 'smpp',
      from: '+254700000002',
      to: '22141',
      text: 'STOP',
      receivedAt: '2026-12-05T10:31:00.000Z',
    };
    expect(await mo.execute([consumed(message)])).toEqual([{ kind: 'done' }]);
    await waitFor(() => received.length === 1, 'the MO');
    expect(text(received[0])).toBe('STOP');
    // An international number goes without its '+', as TON 1.
    expect(received[0]).toMatchObject({
      source: { addr: '254700000002', ton: 1 },
      destination: { addr: '22141' },
    });
  });

  it('retries a refused delivery, and expires what no ESME took in time', async () => {
    const { messageId } = submitted(1);
    await receipts().execute([final(messageId)]);
    const received = await bindEsme(Status.ESME_RSYSERR);
    await waitFor(() => received.length >= 2, 'a retry');
    await db.query(`UPDATE smpp_deliveries SET expires_at = now() WHERE account_id = $1`, [account.id]);
    const counted: string[] = [];
    const warn = jest.fn();
    await new DeliveryExpiry(deliveries, { warn }, (kind) => counted.push(kind)).runOnce();
    expect(await rowStates()).toEqual(['expired']);
    expect(counted).toContain('receipt');
    expect(JSON.stringify(warn.mock.calls)).not.toContain('Your appointment');
  });
});
