import { ChannelType } from '@smsgate/contracts';
import { createDataSource } from '@smsgate/db';
import { DataSource } from 'typeorm';
import { CHANNEL_TYPES } from './registry';

/** A type registered without its migration would be refused by PostgreSQL when a channel is saved. */
describe('channel types in the database', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL! }).initialize();
  });

  afterAll(() => db?.destroy());

  it("lets the channels table hold every registered type, and only those (the migrations' CHECK)", async () => {
    const rows = await db.query<{ definition: string }[]>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = 'channels'::regclass AND conname = 'channels_type_check'`,
    );
    const allowed = [...(rows[0]?.definition ?? '').matchAll(/'([^']+)'::text/g)].map((match) => match[1]);
    expect(allowed.sort()).toEqual(Object.keys(CHANNEL_TYPES).sort());
    expect([...ChannelType.options].sort()).toEqual(Object.keys(CHANNEL_TYPES).sort());
  });
});
