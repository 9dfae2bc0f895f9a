import { Injectable } from '@nestjs/common';
import { WorkspacesRepository } from '@smsgate/db';
import { TtlCache } from '@smsgate/runtime';
import { hashApiKey } from './api-keys';

export interface AuthenticatedWorkspace {
  id: string;
  name: string;
}

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Resolves an API key to its workspace. Hits are cached for 30 s per process (a rotated key stops
 * working within that time); misses are not cached, so a new key works at once.
 */
@Injectable()
export class WorkspaceKeys {
  private readonly cache = new TtlCache<string, AuthenticatedWorkspace>(TTL_MS, MAX_ENTRIES);

  constructor(private readonly workspaces: WorkspacesRepository) {}

  private readonly byId = new TtlCache<string, AuthenticatedWorkspace>(TTL_MS, MAX_ENTRIES);

  /** The workspace with this id (the one an admin names), cached as keys are. */
  async find(id: string): Promise<AuthenticatedWorkspace | undefined> {
    const cached = this.byId.peek(id);
    if (cached) return cached;
    const row = await this.workspaces.findById(id);
    if (!row) return undefined;
    const workspace = { id: row.id, name: row.name };
    this.byId.set(id, workspace);
    return workspace;
  }

  async resolve(apiKey: string): Promise<AuthenticatedWorkspace | undefined> {
    const hash = hashApiKey(apiKey);
    const cached = this.cache.peek(hash);
    if (cached) return cached;
    const row = await this.workspaces.findByApiKeyHash(hash);
    if (!row) return undefined;
    const workspace = { id: row.id, name: row.name };
    this.cache.set(hash, workspace);
    return workspace;
  }
}
