import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { ChtBroadcastRow, ChtBroadcastsRepository, ChtMessagesRepository } from '@smsgate/db';
import { normalizePhone } from '@smsgate/sms';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { OutboundMessages, OutboundRow } from '../outbound/outbound-messages';
import { type ChtTarget, RelaySettings } from '../settings/relay-settings';

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
  broadcast: ChtBroadcastRow;
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
    private readonly broadcasts: ChtBroadcastsRepository,
    private readonly messages: ChtMessagesRepository,
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
      await this.messages.lock(manager, `${command.workspaceId}/${key}`);
      const existing = await this.broadcasts.findByKey(manager, {
        workspaceId: command.workspaceId,
        idempotencyKey: key,
        keepForever: Boolean(command.idempotencyKey),
        windowSeconds: this.config.CHT_IDEMPOTENCY_SECONDS,
      });
      if (existing) {
        const messages = await this.messages.findByBroadcast(manager, existing.id);
        return { created: false, broadcast: existing, messages };
      }
      const broadcast = await this.broadcasts.insert(manager, {
        uuid: randomUUID(),
        workspaceId: command.workspaceId,
        idempotencyKey: key,
        text: command.text,
        urns: numbers.map((n) => `tel:${n}`),
      });
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
