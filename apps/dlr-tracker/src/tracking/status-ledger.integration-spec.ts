import { uuidv7 } from '@smsgate/contracts';
import {
  CallbackOutboxRepository,
  ChannelsRepository,
  createDataSource,
  MessageStatusRepository,
  ParkedEventsRepository,
} from '@smsgate/db';
import { DataSource } from 'typeorm';
import { LedgerWriter } from './ledger-writer';
import { StatusCommand } from './status-command';
import { StatusLedger } from './status-ledger';

/** The ledger on its own, against the real database: what one transaction does with what it learns. */
describe('status ledger', () => {
  let dataSource: DataSource;
  let ledger: StatusLedger;

  beforeAll(async () => {
    dataSource = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 });
    await dataSource.initialize();
    const messages = new MessageStatusRepository();
    const parked = new ParkedEventsRepository(dataSource);
    ledger = new StatusLedger(
      new ChannelsRepository(dataSource),
      messages,
      parked,
      new LedgerWriter(messages, new CallbackOutboxRepository(dataSource), parked),
    );
  });
  afterAll(() => dataSource.destroy());

  const outboundMessage = async () => {
    const workspace = uuidv7();
    const channel = uuidv7();
    const message = uuidv7();
    await dataSource.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix, signing_secret)
       VALUES ($1, 'ledger it', $2, 'sk_test', '')`,
      [workspace, `hash-${workspace}`],
    );
    await dataSource.query(
      `INSERT INTO channels (id, workspace_id, type, name) VALUES ($1, $2, 'smpp', 'it')`,
      [channel, workspace],
    );
    await dataSource.query(
      `INSERT INTO messages (id, workspace_id, direction, text, status, segments, encoding, created_at, updated_at)
       VALUES ($1, $2, 'out', 'hello', 'accepted', 1, 'gsm7', now(), now())`,
      [message, workspace],
    );
    return { workspace, channel, message };
  };

  it('applies a receipt parked for the provider id it learns in the same transaction', async () => {
    const { workspace, channel, message } = await outboundMessage();
    const at = new Date().toISOString();
    const receipt: StatusCommand = {
      eventId: uuidv7(),
      workspace,
      channel,
      providerMessageId: 'ABC123',
      status: 'delivered',
      detail: { stat: 'DELIVRD', err: '000' },
      at,
      source: 'receipt',
      origin: { topic: 'sms.outbound.receipt.v1', partition: 0, offset: '7', payload: {} },
    };
    const first = await dataSource.transaction((db) => ledger.apply(db, [receipt]));
    expect(first.results).toEqual([expect.objectContaining({ kind: 'parked' })]);

    const sent: StatusCommand = {
      eventId: uuidv7(),
      workspace,
      channel,
      messageId: message,
      providerMessageId: 'abc123', // the SMSC's hex id in another case: normalised to the same
      status: 'sent',
      attempt: 1,
      at,
      source: 'dispatch',
    };
    const second = await dataSource.transaction((db) => ledger.apply(db, [sent]));

    // Both changes come out of this one transaction; nothing is left for a follow-up round.
    expect(second.results).toEqual([{ kind: 'applied' }]);
    expect(second.changes.map((change) => [change.eventId, change.status])).toEqual([
      [sent.eventId, 'sent'],
      [receipt.eventId, 'delivered'],
    ]);
    expect(await ledger.settleRaces(dataSource, second.followUp)).toEqual([]);
    const [row] = await dataSource.query(`SELECT status, part_count FROM messages WHERE id = $1`, [message]);
    expect(row).toEqual({ status: 'delivered', part_count: 1 });
    const history = await dataSource.query(
      `SELECT event_id, status, applied FROM message_events WHERE message_id = $1 ORDER BY at, status DESC`,
      [message],
    );
    expect(history).toEqual([
      { event_id: sent.eventId, status: 'sent', applied: true },
      { event_id: receipt.eventId, status: 'delivered', applied: true },
    ]);
    const parked = await dataSource.query(`SELECT 1 FROM parked_events WHERE event_id = $1`, [
      receipt.eventId,
    ]);
    expect(parked).toEqual([]);
  });
});
