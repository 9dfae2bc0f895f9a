import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Topics, uuidv7 } from '@smsgate/contracts';
import { ChtMessageRow, ChtMessageSource, ChtMessagesRepository } from '@smsgate/db';
import { EventPublisher, PublishTimeoutError } from '@smsgate/kafka';
import { EntityManager } from 'typeorm';
import { LoopGuard, MESSAGE_LOOP_REASON } from '../loops/loop-guard';

export type OutboundSource = ChtMessageSource;

export interface NewOutbound {
  workspaceId: string;
  source: OutboundSource;
  /** E.164 destination. */
  to: string;
  text: string;
  broadcastId?: string;
  /** CHT's message id (gateway mode) or RapidPro's message id (aggregator mode). */
  externalRef?: string;
  /** The name RapidPro gave that id in its send request (`id` or `uuid`), echoed in callbacks. */
  refField?: string;
  rapidproChannel?: string;
  /** Refused before sending (e.g. an invalid number): stored failed with this reason, never published. */
  failure?: string;
}

export type OutboundRow = ChtMessageRow;

/**
 * The messages cht-relay puts on the send path. A row is written first (unpublished), then the
 * `sms.outbound.requested.v1` event; the row is marked published once Kafka acknowledged. A retry
 * of the same request (CHT, RapidPro) finds the row and publishes it again if it never was: the
 * message id stays the same, so the dispatcher's attempt ledger keeps the send single.
 */
@Injectable()
export class OutboundMessages {
  constructor(
    private readonly messages: ChtMessagesRepository,
    private readonly publisher: EventPublisher,
    private readonly loops: LoopGuard,
  ) {}

  /** Inserts the rows (in the caller's transaction); a message that loops is stored failed, never sent. */
  async insert(manager: EntityManager, messages: NewOutbound[]): Promise<OutboundRow[]> {
    const rows: OutboundRow[] = [];
    for (const message of messages) {
      const loop =
        message.failure === undefined &&
        (await this.loops.isLoop(
          {
            workspaceId: message.workspaceId,
            address: message.to,
            direction: 'out',
            text: message.text,
          },
          manager,
        ));
      const failure = message.failure ?? (loop ? MESSAGE_LOOP_REASON : null);
      const inserted = await this.messages.insert(manager, {
        message_id: uuidv7(),
        workspace_id: message.workspaceId,
        source: message.source,
        broadcast_id: message.broadcastId ?? null,
        external_ref: message.externalRef ?? null,
        ref_field: message.refField ?? null,
        rapidpro_channel: message.rapidproChannel ?? null,
        urn: message.to.startsWith('tel:') ? message.to : `tel:${message.to}`,
        text: message.text,
        status: failure === null ? 'accepted' : 'failed',
        status_reason: failure,
      });
      rows.push(...inserted);
    }
    return rows;
  }

  /**
   * Publishes the rows not yet published (loops excepted), then marks them. A Kafka timeout is a 503
   * for HTTP callers, who repeat the request; the rows stay unpublished until then and a repeat
   * publishes them under the same message ids, so "repeat it" is true: nothing goes out twice.
   */
  async publish(rows: OutboundRow[], channel?: string | null): Promise<void> {
    const pending = rows.filter((row) => !row.published && !refusedBeforeSending(row));
    if (pending.length === 0) return;
    try {
      await Promise.all(
        pending.map((row) => {
          return this.publisher.publish(
            Topics.outboundRequested,
            {
              id: row.message_id,
              workspace: row.workspace_id,
              channel: channel ?? undefined,
              to: row.urn.replace(/^tel:/, ''),
              text: row.text,
              correlationId: correlationOf(row),
              priority: 'normal',
              metadata: { source: `cht-relay/${row.source}` },
            },
            { key: row.message_id },
          );
        }),
      );
    } catch (error) {
      if (error instanceof PublishTimeoutError)
        throw new ServiceUnavailableException(
          'Kafka did not confirm in time: repeat the request (the messages keep their ids and go out once)',
        );
      throw error;
    }
    await this.messages.markPublished(pending.map((row) => row.message_id));
    for (const row of pending) row.published = true;
  }
}

const correlationOf = (row: OutboundRow): string =>
  row.source === 'broadcast'
    ? `cht-broadcast-${row.broadcast_id}`
    : `${row.source === 'gateway' ? 'cht' : 'rapidpro'}-${row.external_ref ?? row.seq}`.slice(0, 128);

/** Rows stored failed at creation (a loop, an invalid number) are never published. */
export const refusedBeforeSending = (row: OutboundRow): boolean => row.status === 'failed' && !row.published;
