import type { Client } from 'pg';
import { SECRETS_KEY } from './factories';

/**
 * Rows written straight to the test database, for specs that start a service in-process and need a
 * workspace or channel before it runs (no ingress to create them through).
 */
export async function seedWorkspace(db: Client, id: string, name: string): Promise<void> {
  await db.query(`INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, $2, $3, $2)`, [
    id,
    name,
    `hash-${id}`,
  ]);
}

export interface SeededSmppChannel {
  id: string;
  workspace: string;
  name: string;
  /** null: no address. */
  address: string | null;
  config: Record<string, unknown>;
  password: string;
  /** The key the password is sealed with: the services' own unless a spec wants one they cannot open. */
  secretsKey?: string;
}

/** An SMPP channel whose bind password is sealed as the services seal secrets. */
export async function seedSmppChannel(db: Client, channel: SeededSmppChannel): Promise<void> {
  // Loaded here so that unit specs importing @smsgate/testing do not load the database library.
  const { SecretBox } = await import('@smsgate/db');
  await db.query(
    `INSERT INTO channels (id, workspace_id, type, name, address, config, secrets, secret_fields)
     VALUES ($1, $2, 'smpp', $3, $4, $5, $6, '{password}')`,
    [
      channel.id,
      channel.workspace,
      channel.name,
      channel.address,
      JSON.stringify(channel.config),
      new SecretBox(channel.secretsKey ?? SECRETS_KEY).seal({ password: channel.password }),
    ],
  );
}

export async function setChannelEnabled(db: Client, id: string, enabled: boolean): Promise<void> {
  await db.query(`UPDATE channels SET enabled = $2 WHERE id = $1`, [id, enabled]);
}
