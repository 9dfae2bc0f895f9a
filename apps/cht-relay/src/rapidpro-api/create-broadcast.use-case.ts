import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { normalizePhone } from '@smsgate/sms';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { OutboundMessages, OutboundRow } from '../outbound/outbound-messages';
import { type ChtTarget, RelaySettings } from '../settings/relay-settings';
import { BroadcastRow } from './rapidpro-views';

export interface CreateBroadcast {
  workspaceId: string;
  target?: ChtTarget;
  urns: string[];
  text: string;
  /** An explicit key (Idempotency-Key header); else text + URNs within the window. */
  idempotencyKey?: string;
}

export interface BroadcastResult {
  created: boolean;
  broadcast: BroadcastRow;
  messages: OutboundRow[];
}

/** A 400 in RapidPro's field-error shape (`{"urns": ["…"]}`). */
export const fieldError = (field: string, message: string) =>
  new BadRequestException({ message: `${field}: ${message}`, fieldErrors: { [field]: [message] } });

/**
 * POST /api/v2/broadcasts.json: one message per URN through the send path. CHT sends each message
 * in its own request and retries after a timeout, so a request repeating the text and URNs of a
 * broadcast within CHT_IDEMPOTENCY_SECONDS (or carrying the same explicit key) is answered with
 * that broadcast; its messages are published again only if they never were.
 */
@Injectable()
export class CreateBroadcastUseCase {
  constructor(
    private readonly db: DataSource,
    private readonly outbound: OutboundMessages,
    private readonly settings: RelaySettings,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
  ) {}

  async execute(command: CreateBroadcast): Promise<BroadcastResult> {
    const country = await this.settings.channelCountry(command.target?.defaultChannel);
    const numbers = command.urns.map((urn) => {
      const match = /^tel:(.+)$/.exec(urn.trim());
      const phone = match?.[1] ? normalizePhone(match[1], country) : undefined;
      if (!phone?.ok) throw fieldError('urns', `Invalid URN: ${urn}`);
      return phone.e164;
    });
    const key = command.idempotencyKey
      ? `key:${command.idempotencyKey}`
      : `hash:${createHash('sha256')
          .update([command.text, ...[...numbers].sort()].join('\u0000'))
          .digest('hex')}`;

    const result = await this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `${command.workspaceId}/${key}`,
      ]);
      const existing = await manager.query<BroadcastRow[]>(
        `SELECT id, uuid, urns, text, created_at FROM cht_broadcasts
          WHERE workspace_id = $1 AND idempotency_key = $2
            AND ($3 OR created_at > now() - make_interval(secs => $4))
          ORDER BY created_at DESC LIMIT 1`,
        [command.workspaceId, key, Boolean(command.idempotencyKey), this.config.CHT_IDEMPOTENCY_SECONDS],
      );
      if (existing[0]) {
        const messages = await manager.query<OutboundRow[]>(
          `SELECT * FROM cht_messages WHERE broadcast_id = $1 ORDER BY seq`,
          [existing[0].id],
        );
        return { created: false, broadcast: existing[0], messages };
      }
      const [broadcast] = await manager.query<BroadcastRow[]>(
        `INSERT INTO cht_broadcasts (uuid, workspace_id, idempotency_key, text, urns)
         VALUES ($1, $2, $3, $4, $5) RETURNING id, uuid, urns, text, created_at`,
        [randomUUID(), command.workspaceId, key, command.text, numbers.map((n) => `tel:${n}`)],
      );
      const messages = await this.outbound.insert(
        manager,
        numbers.map((to) => ({
          workspaceId: command.workspaceId,
          source: 'broadcast' as const,
          to,
          text: command.text,
          broadcastId: broadcast.id,
        })),
      );
      return { created: true, broadcast, messages };
    });
    await this.outbound.publish(result.messages, command.target?.defaultChannel);
    return result;
  }
}
