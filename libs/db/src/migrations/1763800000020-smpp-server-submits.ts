import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per submit_sm / data_sm smsgate's SMPP server accepted (per part for a concatenated message):
 *
 * - `id` is the message id answered in `submit_sm_resp`; `message_id` the pipeline's message (the same
 *   for a whole message; for the parts of a concatenated one, the message their joined text became);
 * - `dedupe_key` (a hash of the account's submit) answers a resend within the dedupe window with the
 *   same id; it is cleared once past the window, so the unique index only spans the window;
 * - `registered_delivery`, `source`, `destination`, `text_head` (the first 20 characters) and
 *   `created_at` are what a delivery receipt reports;
 * - `concat_key`, `part_total`, `part_sequence` and `part_text` hold a part until its message is whole
 *   (`joined`); `published` says the message went to Kafka (acks=-1).
 */
export class SmppServerSubmits1763800000020 implements MigrationInterface {
  name = 'SmppServerSubmits1763800000020';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE smpp_server_submits (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES smpp_accounts (id) ON DELETE CASCADE,
        message_id uuid NOT NULL,
        dedupe_key bytea,
        registered_delivery smallint NOT NULL DEFAULT 0,
        source text NOT NULL DEFAULT '',
        destination text NOT NULL,
        text_head text NOT NULL DEFAULT '',
        concat_key text,
        part_total smallint CHECK (part_total BETWEEN 1 AND 255),
        part_sequence smallint CHECK (part_sequence BETWEEN 1 AND part_total),
        part_text text,
        joined boolean NOT NULL DEFAULT false,
        published boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE UNIQUE INDEX smpp_server_submits_dedupe ON smpp_server_submits (account_id, dedupe_key) WHERE dedupe_key IS NOT NULL`,
    );
    await db.query(`CREATE INDEX smpp_server_submits_message ON smpp_server_submits (message_id)`);
    await db.query(
      `CREATE INDEX smpp_server_submits_open_parts ON smpp_server_submits (account_id, concat_key) WHERE concat_key IS NOT NULL AND NOT joined`,
    );
    await db.query(`CREATE INDEX smpp_server_submits_created ON smpp_server_submits (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE smpp_server_submits`);
  }
}
