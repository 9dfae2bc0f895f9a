import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SMPP server's outbox of deliver_sm to ESMEs (`smpp_deliveries`), and which inbound messages an
 * account receives.
 *
 * - One row per deliver_sm: a delivery receipt (`kind` 'receipt', `source_id` the submit's id, the one
 *   answered in submit_sm_resp) or a part of an MO (`kind` 'mo', `source_id` the inbound message's id,
 *   `part` its index). The unique (account_id, kind, source_id, part) makes a replayed Kafka event add
 *   nothing; an MO routed to two accounts is a row for each.
 * - `pdu` holds the deliver_sm's fields (short_message in base64): rows are built once, when the event
 *   is consumed, so a restart sends the same bytes.
 * - `state`: 'pending' until the ESME answers 0 ('delivered'), answers a permanent error ('failed') or
 *   `expires_at` passes ('expired'). A claim leases a pending row by moving `next_attempt_at` ahead;
 *   finished rows are pruned after a while (`finished_at`).
 * - `smpp_accounts.inbound_addresses`: the destination addresses (numbers, short codes) whose MOs the
 *   account receives, compared without a leading '+'; `inbound_channel_ids`: channels all of whose MOs it
 *   receives. Both within the account's workspace. Two accounts may claim the same address: each gets
 *   the MO.
 */
export class SmppDeliveries1763800000021 implements MigrationInterface {
  name = 'SmppDeliveries1763800000021';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE smpp_deliveries (
        id bigserial PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES smpp_accounts (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('receipt', 'mo')),
        source_id uuid NOT NULL,
        part smallint NOT NULL DEFAULT 0 CHECK (part >= 0),
        pdu jsonb NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'expired')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (account_id, kind, source_id, part)
      )`);
    // "Due for these accounts", oldest first.
    await db.query(
      `CREATE INDEX smpp_deliveries_due ON smpp_deliveries (account_id, id) WHERE state = 'pending'`,
    );
    await db.query(
      `CREATE INDEX smpp_deliveries_expiry ON smpp_deliveries (expires_at) WHERE state = 'pending'`,
    );
    await db.query(
      `CREATE INDEX smpp_deliveries_finished ON smpp_deliveries (finished_at) WHERE state <> 'pending'`,
    );
    await db.query(`
      ALTER TABLE smpp_accounts
        ADD COLUMN inbound_addresses text[] NOT NULL DEFAULT '{}',
        ADD COLUMN inbound_channel_ids uuid[] NOT NULL DEFAULT '{}'`);
    await db.query(
      `CREATE INDEX smpp_accounts_inbound ON smpp_accounts (workspace_id)
        WHERE cardinality(inbound_addresses) > 0 OR cardinality(inbound_channel_ids) > 0`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX smpp_accounts_inbound`);
    await db.query(
      `ALTER TABLE smpp_accounts DROP COLUMN inbound_addresses, DROP COLUMN inbound_channel_ids`,
    );
    await db.query(`DROP TABLE smpp_deliveries`);
  }
}
