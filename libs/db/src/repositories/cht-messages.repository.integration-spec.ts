import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { ChtMessagesRepository, NewChtMessage } from './cht-messages.repository';

describe('ChtMessagesRepository', () => {
  let db: DataSource;
  let messages: ChtMessagesRepository;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL! }).initialize();
    messages = new ChtMessagesRepository(db);
  });

  afterAll(() => db?.destroy());

  const message = (workspaceId: string, overrides: Partial<NewChtMessage> = {}): NewChtMessage => ({
    message_id: randomUUID(),
    workspace_id: workspaceId,
    source: 'gateway',
    broadcast_id: null,
    external_ref: randomUUID(),
    ref_field: null,
    rapidpro_channel: null,
    urn: 'tel:+254712000001',
    text: 'hello',
    status: 'accepted',
    status_reason: null,
    ...overrides,
  });

  it('narrows the page by each filter given, newest first', async () => {
    const workspaceId = randomUUID();
    const [first] = await messages.insert(db.manager, message(workspaceId));
    const [second] = await messages.insert(db.manager, message(workspaceId));
    await messages.insert(db.manager, message(randomUUID()));

    const all = await messages.findPage(workspaceId, {});
    expect(all.map((row) => row.message_id)).toEqual([second.message_id, first.message_id]);
    expect((await messages.findPage(workspaceId, { seq: first.seq })).map((row) => row.message_id)).toEqual([
      first.message_id,
    ]);
    expect(await messages.findPage(workspaceId, { messageId: second.message_id, seq: first.seq })).toEqual(
      [],
    );
    expect(await messages.findPage(workspaceId, { broadcast: '1' })).toEqual([]);
  });

  it("lists the gateway updates CHT was not told yet, in the caller's statuses", async () => {
    const workspaceId = randomUUID();
    const [sent] = await messages.insert(db.manager, message(workspaceId));
    const [failed] = await messages.insert(db.manager, message(workspaceId, { status: 'failed' }));
    await messages.markPublished([sent.message_id]);
    await messages.updateStatus(sent.message_id, {
      status: 'sent',
      reason: null,
      at: new Date().toISOString(),
    });
    const statusOf = { sent: 'SENT', failed: 'FAILED' } as const;

    const updates = await messages.findGatewayUpdates(workspaceId, statusOf);
    expect(updates.map((row) => [row.message_id, row.gateway_status])).toEqual([
      [sent.message_id, 'SENT'],
      [failed.message_id, 'FAILED'],
    ]);
    await messages.setReportedStatus(sent.message_id, 'SENT');
    expect((await messages.findGatewayUpdates(workspaceId, statusOf)).map((row) => row.message_id)).toEqual([
      failed.message_id,
    ]);
  });
});
