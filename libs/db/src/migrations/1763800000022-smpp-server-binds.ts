import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ESME binds open on every smpp-server replica, so an account's `max_binds` and `tps` hold across
 * replicas rather than per replica. A replica claims a row when a bind is accepted (refused when the
 * account already has `max_binds` live rows), deletes it when the session ends, and refreshes `seen_at`
 * of its rows at every account check. A row not refreshed for a few checks belongs to a replica that
 * died (SIGKILL, lost node): it no longer counts, and is deleted by the next check of any replica.
 */
export class SmppServerBinds1763800000022 implements MigrationInterface {
  name = 'SmppServerBinds1763800000022';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE smpp_server_binds (
        session_id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES smpp_accounts (id) ON DELETE CASCADE,
        replica text NOT NULL,
        mode text NOT NULL CHECK (mode IN ('transceiver', 'transmitter', 'receiver')),
        remote_address text NOT NULL DEFAULT '',
        bound_at timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX smpp_server_binds_account ON smpp_server_binds (account_id, seen_at)`);
    await db.query(`CREATE INDEX smpp_server_binds_replica ON smpp_server_binds (replica)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE smpp_server_binds`);
  }
}
