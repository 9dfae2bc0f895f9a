import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export const SMPP_BIND_MODES = ['transmitter', 'receiver', 'transceiver'] as const;
export type SmppBindMode = (typeof SMPP_BIND_MODES)[number];

/** An SMPP account as the admin API and the SMPP server see it; the password hash is not in it. */
export interface SmppAccountRecord {
  id: string;
  workspaceId: string;
  systemId: string;
  bindModes: SmppBindMode[];
  maxBinds: number;
  /** Source addresses or sender ids the account may submit from; empty: any. */
  allowedSources: string[];
  /** Submits per second across the account's binds; null: no limit. */
  tps: number | null;
  /** The channel its messages go out on; null (also once that channel is deleted): the workspace's routes. */
  channelId: string | null;
  /** Destination addresses (numbers, short codes) whose MOs it receives, matched without a leading '+'. */
  inboundAddresses: string[];
  /** Channels all of whose MOs it receives. */
  inboundChannelIds: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What a bind is checked against: the account with its password hash (scrypt, see @smsgate/auth). */
export interface SmppAccountCredentials extends SmppAccountRecord {
  passwordHash: string;
}

export type NewSmppAccount = Omit<SmppAccountRecord, 'createdAt' | 'updatedAt'> & { passwordHash: string };

/** The fields a PATCH may set; an absent field is left as it is, a null one is cleared. */
export type SmppAccountChanges = Partial<
  Pick<
    SmppAccountRecord,
    | 'systemId'
    | 'bindModes'
    | 'maxBinds'
    | 'allowedSources'
    | 'tps'
    | 'channelId'
    | 'inboundAddresses'
    | 'inboundChannelIds'
    | 'enabled'
  >
>;

/** Another account has the system_id asked for. */
export const SYSTEM_ID_TAKEN = 'system_id taken';

// A soft-deleted channel reads as none: the account falls back to the workspace's routes.
const columns = `a.id, a.workspace_id AS "workspaceId", a.system_id AS "systemId", a.bind_modes AS "bindModes",
           a.max_binds AS "maxBinds", a.allowed_sources AS "allowedSources", a.tps::float8 AS tps,
           CASE WHEN c.deleted_at IS NULL THEN a.channel_id END AS "channelId",
           a.inbound_addresses AS "inboundAddresses", a.inbound_channel_ids::text[] AS "inboundChannelIds", a.enabled,
           a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;
const withChannel = `LEFT JOIN channels c ON c.id = a.channel_id`;

export const smppAccountQueries = {
  insert: `
    INSERT INTO smpp_accounts (id, workspace_id, system_id, password_hash, bind_modes, max_binds,
                               allowed_sources, tps, channel_id, enabled, inbound_addresses,
                               inbound_channel_ids)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (system_id) DO NOTHING
    RETURNING created_at, updated_at`,
  listByWorkspace: `
    SELECT ${columns}
      FROM smpp_accounts a ${withChannel}
     WHERE a.workspace_id = $1
     ORDER BY a.id`,
  get: `
    SELECT ${columns}
      FROM smpp_accounts a ${withChannel}
     WHERE a.id = $1 AND a.workspace_id = $2`,
  update: `
    WITH updated AS (
      UPDATE smpp_accounts
         SET system_id = CASE WHEN $3::jsonb ? 'systemId' THEN $3::jsonb->>'systemId' ELSE system_id END,
             bind_modes = CASE WHEN $3::jsonb ? 'bindModes'
                               THEN ARRAY(SELECT jsonb_array_elements_text($3::jsonb->'bindModes'))
                               ELSE bind_modes END,
             max_binds = CASE WHEN $3::jsonb ? 'maxBinds' THEN ($3::jsonb->>'maxBinds')::integer ELSE max_binds END,
             allowed_sources = CASE WHEN $3::jsonb ? 'allowedSources'
                                    THEN ARRAY(SELECT jsonb_array_elements_text($3::jsonb->'allowedSources'))
                                    ELSE allowed_sources END,
             tps = CASE WHEN $3::jsonb ? 'tps' THEN ($3::jsonb->>'tps')::numeric ELSE tps END,
             channel_id = CASE WHEN $3::jsonb ? 'channelId' THEN ($3::jsonb->>'channelId')::uuid ELSE channel_id END,
             inbound_addresses = CASE WHEN $3::jsonb ? 'inboundAddresses'
                                      THEN ARRAY(SELECT jsonb_array_elements_text($3::jsonb->'inboundAddresses'))
                                      ELSE inbound_addresses END,
             inbound_channel_ids = CASE WHEN $3::jsonb ? 'inboundChannelIds'
                                        THEN ARRAY(SELECT jsonb_array_elements_text($3::jsonb->'inboundChannelIds'))::uuid[]
                                        ELSE inbound_channel_ids END,
             enabled = CASE WHEN $3::jsonb ? 'enabled' THEN ($3::jsonb->>'enabled')::boolean ELSE enabled END,
             updated_at = now()
       WHERE id = $1 AND workspace_id = $2
      RETURNING *)
    SELECT ${columns}
      FROM updated a ${withChannel}`,
  setPassword: `
    UPDATE smpp_accounts SET password_hash = $3, updated_at = now() WHERE id = $1 AND workspace_id = $2
    RETURNING system_id AS "systemId"`,
  delete: `
    DELETE FROM smpp_accounts WHERE id = $1 AND workspace_id = $2`,
  findBySystemId: `
    -- per bind: the account an ESME names, with its password hash
    SELECT ${columns}, a.password_hash AS "passwordHash"
      FROM smpp_accounts a ${withChannel}
     WHERE a.system_id = $1`,
  findByIds: `
    -- per account check round of the SMPP server: the accounts with binds open, as they are now
    SELECT ${columns}, a.password_hash AS "passwordHash"
      FROM smpp_accounts a ${withChannel}
     WHERE a.id = ANY($1::uuid[])`,
  inboundRoutes: `
    -- hot: every consumed batch of inbound messages, one read
    SELECT m.n, a.id AS "accountId"
      FROM jsonb_to_recordset($1::jsonb) AS m(n int, workspace uuid, channel uuid, "to" text)
      JOIN smpp_accounts a
        ON a.workspace_id = m.workspace AND a.enabled
       AND a.bind_modes && ARRAY['receiver', 'transceiver']
       AND (m.channel = ANY(a.inbound_channel_ids)
            OR (m."to" IS NOT NULL
                AND ltrim(m."to", '+') IN (SELECT ltrim(x, '+') FROM unnest(a.inbound_addresses) AS x)))
     ORDER BY m.n, a.id`,
} as const;

/**
 * SMPP accounts: what an ESME binds to smsgate's SMPP server with. The admin API manages them; the
 * SMPP server reads one per bind. Only findBySystemId returns the password hash.
 */
@Injectable()
export class SmppAccountsRepository {
  constructor(private readonly db: DataSource) {}

  /** Undefined when another account (of any workspace) has the system_id. */
  async create(account: NewSmppAccount): Promise<SmppAccountRecord | undefined> {
    const [row] = await this.db.query<Array<{ created_at: Date; updated_at: Date }>>(
      smppAccountQueries.insert,
      [
        account.id,
        account.workspaceId,
        account.systemId,
        account.passwordHash,
        account.bindModes,
        account.maxBinds,
        account.allowedSources,
        account.tps,
        account.channelId,
        account.enabled,
        account.inboundAddresses,
        account.inboundChannelIds,
      ],
    );
    if (!row) return undefined;
    const { passwordHash: _hash, ...record } = account;
    return { ...record, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  async listByWorkspace(workspaceId: string): Promise<SmppAccountRecord[]> {
    return this.db.query<SmppAccountRecord[]>(smppAccountQueries.listByWorkspace, [workspaceId]);
  }

  /** The workspace's account `id` (a UUID), if it has one. */
  async get(workspaceId: string, id: string): Promise<SmppAccountRecord | undefined> {
    const [row] = await this.db.query<SmppAccountRecord[]>(smppAccountQueries.get, [id, workspaceId]);
    return row;
  }

  /**
   * The account as changed; undefined when the workspace has no account `id`, SYSTEM_ID_TAKEN when
   * another account has the system_id asked for (and nothing changed).
   */
  async update(
    workspaceId: string,
    id: string,
    changes: SmppAccountChanges,
  ): Promise<SmppAccountRecord | typeof SYSTEM_ID_TAKEN | undefined> {
    try {
      const [row] = await this.db.query<SmppAccountRecord[]>(smppAccountQueries.update, [
        id,
        workspaceId,
        JSON.stringify(changes),
      ]);
      return row;
    } catch (error) {
      if (isSystemIdConflict(error)) return SYSTEM_ID_TAKEN;
      throw error;
    }
  }

  /** Replaces the password hash; the account's system_id, undefined when the workspace has no account `id`. */
  async setPassword(workspaceId: string, id: string, passwordHash: string): Promise<string | undefined> {
    const [rows] = await this.db.query<[Array<{ systemId: string }>, number]>(
      smppAccountQueries.setPassword,
      [id, workspaceId, passwordHash],
    );
    return rows[0]?.systemId;
  }

  /** False when the workspace has no account `id`. */
  async delete(workspaceId: string, id: string): Promise<boolean> {
    const [, affected] = await this.db.query<[unknown, number]>(smppAccountQueries.delete, [id, workspaceId]);
    return affected > 0;
  }

  /** The account a bind names, disabled ones too (the caller refuses those), with its password hash. */
  async findBySystemId(systemId: string): Promise<SmppAccountCredentials | undefined> {
    const [row] = await this.db.query<SmppAccountCredentials[]>(smppAccountQueries.findBySystemId, [
      systemId,
    ]);
    return row;
  }

  /** These accounts as they are now (the deleted ones are missing), with their password hashes. */
  findByIds(ids: string[]): Promise<SmppAccountCredentials[]> {
    return this.db.query<SmppAccountCredentials[]>(smppAccountQueries.findByIds, [ids]);
  }

  /**
   * For each message, the enabled accounts of its workspace that receive it (by channel or by its
   * destination address) and can bind as a receiver; every matching account, when several claim it.
   */
  async inboundRoutes(messages: InboundRouteQuery[]): Promise<string[][]> {
    const routes = messages.map((): string[] => []);
    if (messages.length === 0) return routes;
    const rows = await this.db.query<Array<{ n: number; accountId: string }>>(
      smppAccountQueries.inboundRoutes,
      [
        JSON.stringify(
          messages.map((message, n) => ({
            n,
            workspace: message.workspaceId,
            channel: message.channelId,
            to: message.to ?? null,
          })),
        ),
      ],
    );
    for (const row of rows) routes[row.n].push(row.accountId);
    return routes;
  }
}

/** An inbound message as routing to accounts sees it. */
export interface InboundRouteQuery {
  workspaceId: string;
  channelId: string;
  to?: string;
}

/** PostgreSQL's unique_violation on smpp_accounts.system_id, as node-postgres or TypeORM report it. */
function isSystemIdConflict(error: unknown): boolean {
  const fields = (value: unknown) => value as { code?: unknown; constraint?: unknown; driverError?: unknown };
  for (const candidate of [error, fields(error)?.driverError]) {
    const { code, constraint } = fields(candidate) ?? {};
    if (code === '23505' && constraint === 'smpp_accounts_system_id_key') return true;
  }
  return false;
}
