import { MigrationInterface, QueryRunner } from 'typeorm';

/** Channels of type `ucp` (UCP/EMI) and `cimd2` (Nokia CIMD2), held by smpp-binds like `smpp` ones. */
export class SmscChannelTypes1763800000023 implements MigrationInterface {
  name = 'SmscChannelTypes1763800000023';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE channels DROP CONSTRAINT channels_type_check`);
    await db.query(
      `ALTER TABLE channels ADD CONSTRAINT channels_type_check
         CHECK (type IN ('ex', 'imi', 'template', 'smpp', 'ucp', 'cimd2'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE channels DROP CONSTRAINT channels_type_check`);
    await db.query(
      `ALTER TABLE channels ADD CONSTRAINT channels_type_check CHECK (type IN ('ex', 'imi', 'template', 'smpp'))`,
    );
  }
}
