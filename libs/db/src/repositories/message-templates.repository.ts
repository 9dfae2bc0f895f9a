import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface MessageTemplateRecord {
  id: string;
  name: string | null;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewMessageTemplate = Pick<MessageTemplateRecord, 'id' | 'name' | 'body'>;

const COLUMNS = `id, name, body, created_at AS "createdAt", updated_at AS "updatedAt"`;

export const messageTemplateQueries = {
  insert: `
    INSERT INTO message_templates (workspace_id, id, name, body) VALUES ($1, $2, $3, $4)
    ON CONFLICT (workspace_id, id) DO NOTHING
    RETURNING ${COLUMNS}`,
  replace: `
    INSERT INTO message_templates AS t (workspace_id, id, name, body) VALUES ($1, $2, $3, $4)
    ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name, body = EXCLUDED.body, updated_at = now()
    RETURNING ${COLUMNS}, (xmax = 0) AS created`,
  get: `
    SELECT ${COLUMNS} FROM message_templates WHERE workspace_id = $1 AND id = $2`,
  list: `
    SELECT ${COLUMNS} FROM message_templates
     WHERE workspace_id = $1 AND ($2::text IS NULL OR id > $2)
     ORDER BY id
     LIMIT $3`,
  delete: `
    DELETE FROM message_templates WHERE workspace_id = $1 AND id = $2`,
  bodiesOf: `
    -- hot: once per send request batch that names a template
    SELECT id, body FROM message_templates WHERE workspace_id = $1 AND id = ANY($2::text[])`,
} as const;

/** Message templates of a workspace: a body with `$(name)` placeholders, by an id the client may choose. */
@Injectable()
export class MessageTemplatesRepository {
  constructor(private readonly db: DataSource) {}

  /** Undefined when the workspace already has a template with this id. */
  async insert(
    workspaceId: string,
    template: NewMessageTemplate,
  ): Promise<MessageTemplateRecord | undefined> {
    const [row] = await this.db.query<MessageTemplateRecord[]>(messageTemplateQueries.insert, [
      workspaceId,
      template.id,
      template.name,
      template.body,
    ]);
    return row;
  }

  /** Creates or replaces the template; `created` tells which. */
  async replace(
    workspaceId: string,
    template: NewMessageTemplate,
  ): Promise<{ template: MessageTemplateRecord; created: boolean }> {
    const [row] = await this.db.query<Array<MessageTemplateRecord & { created: boolean }>>(
      messageTemplateQueries.replace,
      [workspaceId, template.id, template.name, template.body],
    );
    const { created, ...record } = row;
    return { template: record, created };
  }

  async get(workspaceId: string, id: string): Promise<MessageTemplateRecord | undefined> {
    const [row] = await this.db.query<MessageTemplateRecord[]>(messageTemplateQueries.get, [workspaceId, id]);
    return row;
  }

  /** Up to `limit` templates after the id `after`, by id. */
  async list(
    workspaceId: string,
    after: string | undefined,
    limit: number,
  ): Promise<MessageTemplateRecord[]> {
    return this.db.query<MessageTemplateRecord[]>(messageTemplateQueries.list, [
      workspaceId,
      after ?? null,
      limit,
    ]);
  }

  /** False when the workspace has no template with this id. */
  async delete(workspaceId: string, id: string): Promise<boolean> {
    const [, affected] = await this.db.query<[unknown, number]>(messageTemplateQueries.delete, [
      workspaceId,
      id,
    ]);
    return affected > 0;
  }

  /** The bodies of those of `ids` the workspace has; one round trip. */
  async bodiesOf(workspaceId: string, ids: string[]): Promise<Map<string, string>> {
    const rows = await this.db.query<Array<{ id: string; body: string }>>(messageTemplateQueries.bodiesOf, [
      workspaceId,
      ids,
    ]);
    return new Map(rows.map((row) => [row.id, row.body]));
  }
}
