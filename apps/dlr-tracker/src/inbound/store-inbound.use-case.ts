import { Injectable } from '@nestjs/common';
import { InboundReceivedV1, Topics } from '@smsgate/contracts';
import { ConsumedEvent, EventPublisher, Outcome, Outcomes } from '@smsgate/kafka';
import { countSegments } from '@smsgate/sms';
import { DataSource } from 'typeorm';

/**
 * Stores inbound messages, a consumed batch in one transaction, and lifts the sender's opt-out of
 * the channel it wrote to. Applying an event twice changes
 * nothing (the message id is the key). Events naming an unknown channel, or a channel of another
 * workspace, are dead-lettered with the reason and never stored against the wrong workspace.
 */
@Injectable()
export class StoreInboundMessages {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(events: ConsumedEvent<InboundReceivedV1>[]): Promise<Outcome[]> {
    const channelIds = [...new Set(events.map((event) => event.payload.channel))];
    const owners = new Map(
      (
        await this.dataSource.query<{ id: string; workspace_id: string }[]>(
          `SELECT id, workspace_id FROM channels WHERE id = ANY($1::uuid[])`,
          [channelIds],
        )
      ).map((row) => [row.id, row.workspace_id]),
    );
    const outcomes: Outcome[] = events.map(({ payload }) => {
      const owner = owners.get(payload.channel);
      if (!owner) return Outcomes.deadLetter(`unknown channel ${payload.channel}`);
      if (owner !== payload.workspace)
        return Outcomes.deadLetter(`channel ${payload.channel} belongs to another workspace`);
      return Outcomes.done();
    });
    const valid = events.filter((_, index) => outcomes[index].kind === 'done').map((event) => event.payload);
    if (valid.length === 0) return outcomes;

    const segments = valid.map((message) => countSegments(message.text));
    await this.dataSource.transaction(async (db) => {
      await db.query(
        `INSERT INTO messages (id, workspace_id, channel_id, direction, from_addr, to_addr, text, status,
                               segments, encoding, provider_ids, metadata, created_at, updated_at)
         SELECT id, ws, ch, 'in', f, t, txt, 'received', seg, enc,
                CASE WHEN pid IS NULL THEN '{}'::text[] ELSE ARRAY[pid] END, meta, at, at
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[],
                     $8::text[], $9::text[], $10::jsonb[], $11::timestamptz[])
              AS u(id, ws, ch, f, t, txt, seg, enc, pid, meta, at)
         ON CONFLICT (id) DO NOTHING`,
        [
          valid.map((m) => m.id),
          valid.map((m) => m.workspace),
          valid.map((m) => m.channel),
          valid.map((m) => m.from),
          valid.map((m) => m.to ?? null),
          valid.map((m) => m.text),
          segments.map((s) => s.segments),
          segments.map((s) => s.encoding),
          valid.map((m) => m.providerMessageId ?? null),
          valid.map((m) => (m.metadata ? JSON.stringify(m.metadata) : null)),
          valid.map((m) => m.receivedAt),
        ],
      );
      // The 'received' event of a message takes the message's id as its event id: one per message.
      await db.query(
        `INSERT INTO message_events (event_id, message_id, status, source, detail, at)
         SELECT id, id, 'received', 'ingress', jsonb_build_object('channelType', ct, 'sentAt', sent), at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS u(id, ct, sent, at)
         ON CONFLICT (event_id) DO NOTHING`,
        [
          valid.map((m) => m.id),
          valid.map((m) => m.channelType),
          valid.map((m) => m.sentAt ?? null),
          valid.map((m) => m.receivedAt),
        ],
      );
      // A number that writes in again takes back its earlier stop on that channel (not a later one).
      await db.query(
        `DELETE FROM opt_outs o USING unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(c, a, at)
         WHERE o.channel_id = u.c AND o.address = u.a AND o.stopped_at < u.at`,
        [valid.map((m) => m.channel), valid.map((m) => m.from), valid.map((m) => m.receivedAt)],
      );
    });
    await Promise.all(
      valid.map((message) =>
        this.publisher.publish(
          Topics.messageStatusChanged,
          {
            eventId: message.id,
            id: message.id,
            workspace: message.workspace,
            direction: 'in',
            status: 'received',
            at: message.receivedAt,
          },
          { key: message.id },
        ),
      ),
    );
    return outcomes;
  }
}
