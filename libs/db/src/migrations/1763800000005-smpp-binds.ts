import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * smpp-binds: the ledger of submit_sm the SMSC acknowledged (so a message replayed after a crash is
 * not submitted again), each SMPP channel's bind state (`bind_failed` with the SMSC's status), and
 * the parts of concatenated MO messages acknowledged to the SMSC but not yet reassembled.
 */
export class SmppBinds1763800000005 implements MigrationInterface {
  name = 'SmppBinds1763800000005';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE smpp_submits (
        message_id uuid NOT NULL,
        part_index int NOT NULL CHECK (part_index >= 0),
        part_count int NOT NULL CHECK (part_count >= 1),
        channel_id uuid NOT NULL,
        smsc_message_id text NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, part_index)
      )`);
    await db.query(`CREATE INDEX smpp_submits_submitted_at ON smpp_submits (submitted_at)`);
    await db.query(`
      CREATE TABLE smpp_channel_states (
        channel_id uuid PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('bound', 'connecting', 'bind_failed', 'stopped')),
        status_code int,
        status_name text,
        config_version text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE smpp_mo_parts (
        channel_id uuid NOT NULL,
        source text NOT NULL,
        destination text NOT NULL,
        reference int NOT NULL,
        total int NOT NULL CHECK (total >= 1),
        seq int NOT NULL CHECK (seq >= 1),
        text text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel_id, source, reference, total, seq)
      )`);
    await db.query(`CREATE INDEX smpp_mo_parts_received_at ON smpp_mo_parts (received_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE smpp_mo_parts`);
    await db.query(`DROP TABLE smpp_channel_states`);
    await db.query(`DROP TABLE smpp_submits`);
  }
}
