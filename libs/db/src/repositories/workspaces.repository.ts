import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface NewWorkspace {
  id: string;
  name: string;
  apiKeyHash: string;
  apiKeyPrefix: string;
  /** Sealed with SecretBox. */
  signingSecret: string;
}

export interface WorkspaceKeyFields {
  apiKeyHash?: string;
  apiKeyPrefix?: string;
  signingSecret?: string;
}

export const workspaceQueries = {
  insert: `
    INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix, signing_secret)
    VALUES ($1, $2, $3, $4, $5)
    RETURNING created_at`,
  updateKeys: `
    UPDATE workspaces
       SET api_key_hash = COALESCE($2, api_key_hash),
           api_key_prefix = COALESCE($3, api_key_prefix),
           signing_secret = COALESCE($4, signing_secret),
           updated_at = now()
     WHERE id = $1`,
  findByApiKeyHash: `
    SELECT id, name FROM workspaces WHERE api_key_hash = $1`,
  findExisting: `
    -- hot: every batch of send requests
    SELECT id FROM workspaces WHERE id = ANY($1::uuid[])`,
  findSigningSecret: `
    SELECT signing_secret FROM workspaces WHERE id = $1`,
  findById: `
    SELECT id, name FROM workspaces WHERE id = $1`,
  list: `
    SELECT id, name, api_key_prefix, created_at FROM workspaces ORDER BY created_at, id`,
} as const;

/** A workspace as the admin lists it: never its key hash or secret. */
export interface WorkspaceSummary {
  id: string;
  name: string;
  apiKeyPrefix: string;
  createdAt: Date;
}

/** Workspaces: their names, API key hashes and sealed signing secrets. */
@Injectable()
export class WorkspacesRepository {
  constructor(private readonly db: DataSource) {}

  async insert(workspace: NewWorkspace): Promise<{ createdAt: Date }> {
    const [row] = await this.db.query<Array<{ created_at: Date }>>(workspaceQueries.insert, [
      workspace.id,
      workspace.name,
      workspace.apiKeyHash,
      workspace.apiKeyPrefix,
      workspace.signingSecret,
    ]);
    return { createdAt: row.created_at };
  }

  /** Replaces the given key fields; false when no workspace has this id. */
  async updateKeys(id: string, fields: WorkspaceKeyFields): Promise<boolean> {
    const [, affected] = await this.db.query<[unknown, number]>(workspaceQueries.updateKeys, [
      id,
      fields.apiKeyHash ?? null,
      fields.apiKeyPrefix ?? null,
      fields.signingSecret ?? null,
    ]);
    return affected > 0;
  }

  async findByApiKeyHash(hash: string): Promise<{ id: string; name: string } | undefined> {
    const rows = await this.db.query<Array<{ id: string; name: string }>>(workspaceQueries.findByApiKeyHash, [
      hash,
    ]);
    return rows[0];
  }

  async findById(id: string): Promise<{ id: string; name: string } | undefined> {
    const [row] = await this.db.query<Array<{ id: string; name: string }>>(workspaceQueries.findById, [id]);
    return row;
  }

  /** Every workspace, oldest first. */
  async list(): Promise<WorkspaceSummary[]> {
    const rows = await this.db.query<
      Array<{ id: string; name: string; api_key_prefix: string; created_at: Date }>
    >(workspaceQueries.list);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      apiKeyPrefix: row.api_key_prefix,
      createdAt: row.created_at,
    }));
  }

  /** The ids of those that exist. */
  async findExisting(ids: string[]): Promise<string[]> {
    const rows = await this.db.query<Array<{ id: string }>>(workspaceQueries.findExisting, [ids]);
    return rows.map((row) => row.id);
  }

  /** The sealed signing secret (null when the workspace has none or does not exist). */
  async findSigningSecret(id: string): Promise<string | null> {
    const [row] = await this.db.query<Array<{ signing_secret: string | null }>>(
      workspaceQueries.findSigningSecret,
      [id],
    );
    return row?.signing_secret ?? null;
  }
}
