import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * smpp_deliveries: the deliver_sm smsgate's SMPP server owes ESMEs (delivery receipts, MOs), kept until an
 * ESME answered them with deliver_sm_resp (then `delivered`) or until `expires_at` (then `expired`).
 * `dedupe` makes a replayed Kafka event add nothing (`receipt:<submit id>`, `mo:<event id>:<part>`);
 * `pdu` holds the deliver_sm's fields, its short_message in base64.
 *
 * `smpp_accounts.inbound_addresses`: the destination numbers and short codes whose MOs an account
 * receives as deliver_sm.
 */
export class SmppDeliveries1763800000021 implements MigrationInterface {
  name = 'SmppDeliveries1763800000021';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE smpp_deliveries (
        id bigserial PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES smpp_accounts (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('receipt', 'mo')),
        dedupe text NOT NULL,
        pdu jsonb NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'expired')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (account_id, dedupe)
      )`);
    await db.query(
      `CREATE INDEX smpp_deliveries_due ON smpp_deliveries (account_id, id) WHERE state = 'pending'`,
    );
    await db.query(
      `CREATE INDEX smpp_deliveries_finished ON smpp_deliveries (finished_at) WHERE state <> 'pending'`,
    );
    await db.query(`ALTER TABLE smpp_accounts ADD COLUMN inbound_addresses text[] NOT NULL DEFAULT '{}'`);
    await db.query(`CREATE INDEX smpp_accounts_inbound ON smpp_accounts USING gin (inbound_addresses)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE smpp_accounts DROP COLUMN inbound_addresses`);
    await db.query(`DROP TABLE smpp_deliveries`);
  }
}
