import { Injectable } from '@nestjs/common';
import { messageIdFromRecord, MessageStatusChangedV1, OutboundRequestedV1 } from '@smsgate/contracts';
import { ConsumedEvent, EventPublisher, Outcome, Outcomes } from '@smsgate/kafka';
import { countSegments } from '@smsgate/sms';
import { DataSource } from 'typeorm';
import { callbackBody, callsBack, NotifyFormat } from '../callbacks/callback-body';
import { enqueueCallbacks, NewCallback } from '../callbacks/callback-outbox';
import { StatusLedger } from '../tracking/status-ledger';
import { publishChanges } from '../tracking/publish-changes';

interface Accepted {
  id: string;
  request: OutboundRequestedV1;
  at: string;
}

/**
 * Records send requests as `accepted` messages, a consumed batch in one transaction, and releases the
 * dispatch results that raced ahead of them. A request without an id gets the id the dispatcher
 * derives from the same Kafka record. Applying a request twice changes nothing.
 */
@Injectable()
export class RecordSendRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: StatusLedger,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(events: ConsumedEvent<OutboundRequestedV1>[]): Promise<Outcome[]> {
    const accepted: Accepted[] = events.map((event) => ({
      id:
        event.payload.id ??
        messageIdFromRecord(event.topic, event.partition, event.offset, Number(event.timestamp)),
      request: event.payload,
      at: new Date(Number(event.timestamp) || Date.now()).toISOString(),
    }));
    const workspaceIds = [...new Set(accepted.map((a) => a.request.workspace))];
    const channelIds = [...new Set(accepted.flatMap((a) => (a.request.channel ? [a.request.channel] : [])))];
    const [workspaces, channels] = await Promise.all([
      this.dataSource.query<{ id: string }[]>(`SELECT id FROM workspaces WHERE id = ANY($1::uuid[])`, [
        workspaceIds,
      ]),
      this.dataSource.query<{ id: string; workspace_id: string }[]>(
        `SELECT id, workspace_id FROM channels WHERE id = ANY($1::uuid[])`,
        [channelIds],
      ),
    ]);
    const knownWorkspaces = new Set(workspaces.map((row) => row.id));
    const channelOwners = new Map(channels.map((row) => [row.id, row.workspace_id]));
    const outcomes = accepted.map(({ request }): Outcome => {
      if (!knownWorkspaces.has(request.workspace))
        return Outcomes.deadLetter(`unknown workspace ${request.workspace}`);
      if (request.channel) {
        const owner = channelOwners.get(request.channel);
        if (!owner) return Outcomes.deadLetter(`unknown channel ${request.channel}`);
        if (owner !== request.workspace)
          return Outcomes.deadLetter(`channel ${request.channel} belongs to another workspace`);
      }
      return Outcomes.done();
    });
    // One request per id: a re-published request keeps the first one.
    const seen = new Set<string>();
    const valid = accepted.filter((a, index) => {
      if (outcomes[index].kind !== 'done' || seen.has(a.id)) return false;
      seen.add(a.id);
      return true;
    });
    if (valid.length === 0) return outcomes;

    const segments = valid.map((a) => countSegments(a.request.text));
    const callbacks = valid.flatMap((a): NewCallback[] => {
      if (!a.request.notifyUrl || !callsBack(a.request.notifyOn, 'accepted')) return [];
      const body = callbackBody((a.request.notifyFormat ?? 'smsgate') as NotifyFormat, {
        eventId: a.id,
        messageId: a.id,
        workspace: a.request.workspace,
        correlationId: a.request.correlationId ?? null,
        callbackData: a.request.callbackData ?? null,
        to: a.request.to,
        status: 'accepted',
        previousStatus: null,
        detail: { source: 'request' },
        at: a.at,
      });
      // The 'accepted' callback takes the message's id as its event id, like the history event.
      return body
        ? [
            {
              eventId: a.id,
              messageId: a.id,
              workspaceId: a.request.workspace,
              url: a.request.notifyUrl,
              body,
            },
          ]
        : [];
    });

    await this.dataSource.transaction(async (db) => {
      await db.query(
        `INSERT INTO messages (id, workspace_id, channel_id, direction, from_addr, to_addr, text, status,
                               segments, encoding, correlation_id, metadata, expires_at, notify_url,
                               notify_format, notify_on, callback_data, priority, status_at, created_at,
                               updated_at)
         SELECT id, ws, ch, 'out', f, t, txt, 'accepted', seg, enc, corr, meta, exp, url, fmt,
                CASE WHEN n IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(n)) END,
                cbd, prio, at, at, at
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[],
                     $8::text[], $9::text[], $10::jsonb[], $11::timestamptz[], $12::text[], $13::text[],
                     $14::text[], $15::text[], $16::timestamptz[], $17::jsonb[])
              AS u(id, ws, ch, f, t, txt, seg, enc, corr, meta, exp, url, fmt, cbd, prio, at, n)
         ON CONFLICT (id) DO NOTHING`,
        [
          valid.map((a) => a.id),
          valid.map((a) => a.request.workspace),
          valid.map((a) => a.request.channel ?? null),
          valid.map((a) => a.request.from ?? null),
          valid.map((a) => a.request.to),
          valid.map((a) => a.request.text),
          segments.map((s) => s.segments),
          segments.map((s) => s.encoding),
          valid.map((a) => a.request.correlationId ?? null),
          valid.map((a) => (a.request.metadata ? JSON.stringify(a.request.metadata) : null)),
          valid.map((a) => a.request.expiresAt ?? null),
          valid.map((a) => a.request.notifyUrl ?? null),
          valid.map((a) => a.request.notifyFormat ?? null),
          valid.map((a) => a.request.callbackData ?? null),
          valid.map((a) => a.request.priority),
          valid.map((a) => a.at),
          // text[][] must be rectangular: each message's list travels as one jsonb array.
          valid.map((a) => (a.request.notifyOn ? JSON.stringify(a.request.notifyOn) : null)),
        ],
      );
      // The 'accepted' event of a message takes the message's id as its event id: one per message.
      await db.query(
        `INSERT INTO message_events (event_id, message_id, status, source, detail, at)
         SELECT id, id, 'accepted', 'request', '{"source":"request"}'::jsonb, at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
         ON CONFLICT (event_id) DO NOTHING`,
        [valid.map((a) => a.id), valid.map((a) => a.at)],
      );
      await enqueueCallbacks(db, callbacks);
    });
    // Statuses that arrived before their request were parked; the message exists now (see settleRaces).
    const released = await this.ledger.settleRaces(this.dataSource, {
      receiptKeys: [],
      messageIds: valid.map((a) => a.id),
    });

    const changes: MessageStatusChangedV1[] = valid.map((a) => ({
      eventId: a.id,
      id: a.id,
      workspace: a.request.workspace,
      direction: 'out',
      correlationId: a.request.correlationId,
      status: 'accepted',
      at: a.at,
    }));
    await publishChanges(this.publisher, [...changes, ...released]);
    return outcomes;
  }
}
