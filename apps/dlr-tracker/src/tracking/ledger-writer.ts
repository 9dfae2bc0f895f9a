import { Injectable } from '@nestjs/common';
import { CallbackOutboxRepository, MessageStatusRepository, ParkedEventsRepository } from '@smsgate/db';
import { EntityManager } from 'typeorm';
import { LedgerBatch } from './ledger-batch';

/**
 * Writes what a batch changed, a statement per table whatever the batch's size: its history events,
 * the messages and parts that changed, the callbacks to send and the events to park.
 */
@Injectable()
export class LedgerWriter {
  constructor(
    private readonly messages: MessageStatusRepository,
    private readonly outbox: CallbackOutboxRepository,
    private readonly parked: ParkedEventsRepository,
  ) {}

  async write(db: EntityManager, batch: LedgerBatch): Promise<void> {
    await this.messages.insertEvents(db, batch.events);
    await this.messages.updateMessages(
      db,
      [...batch.messages.values()]
        .filter((m) => m.changed)
        .map((m) => ({
          id: m.id,
          status: m.status,
          attempt: m.attempt,
          part_count: m.part_count,
          channel_id: m.channel_id,
          status_at: m.statusAt ?? null,
          error: m.error ?? null,
        })),
    );
    await this.messages.upsertParts(
      db,
      [...batch.allParts()]
        .filter((p) => p.changed)
        .map((p) => ({
          message_id: p.message_id,
          part_index: p.part_index,
          channel_id: p.channel_id,
          provider_message_id: p.provider_message_id,
          status: p.status,
          attempt: p.attempt,
          updated_at: p.updatedAt ?? new Date().toISOString(),
        })),
    );
    await this.outbox.enqueue(db, batch.callbacks);
    await this.parked.park(
      db,
      batch.parked.map((p) => ({
        eventId: p.command.eventId,
        kind: p.kind,
        workspaceId: p.command.workspace,
        channelId: p.channel,
        messageId: p.command.messageId ?? null,
        providerMessageId: p.providerMessageId,
        payload: p.command,
        sourceTopic: p.command.origin?.topic ?? '',
        sourcePartition: p.command.origin?.partition ?? 0,
        sourceOffset: p.command.origin?.offset ?? '0',
        reason: p.reason,
      })),
    );
  }
}
