import { Injectable } from '@nestjs/common';
import { messageIdFromRecord, MessageStatusChangedV1, OutboundRequestedV1 } from '@smsgate/contracts';
import {
  CallbackOutboxRepository,
  AcceptedMessagesRepository,
  ChannelsRepository,
  NewCallback,
  NewAcceptedMessage,
  WorkspacesRepository,
} from '@smsgate/db';
import { ConsumedEvent, EventPublisher, Outcome, Outcomes } from '@smsgate/kafka';
import { countSegments } from '@smsgate/sms';
import { DataSource } from 'typeorm';
import { callbackBody, callsBack, NotifyFormat } from '../callbacks/callback-body';
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
    private readonly workspaces: WorkspacesRepository,
    private readonly channels: ChannelsRepository,
    private readonly messages: AcceptedMessagesRepository,
    private readonly outbox: CallbackOutboxRepository,
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
      this.workspaces.findExisting(workspaceIds),
      this.channels.findOwners(channelIds),
    ]);
    const knownWorkspaces = new Set(workspaces);
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

    const callbacks = valid.flatMap((a): NewCallback[] => {
      if (!a.request.notifyUrl || !callsBack(a.request.notifyOn, 'accepted')) return [];
      const body = callbackBody((a.request.notifyFormat ?? 'smsgate') as NotifyFormat, {
        eventId: a.id,
        messageId: a.id,
        workspace: a.request.workspace,
        correlationId: a.request.correlationId ?? null,
        callbackData: a.request.callbackData ?? null,
        to: a.request.to,
        attachments: a.request.attachments ?? null,
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
      await this.messages.record(db, valid.map(toNewAcceptedMessage));
      await this.outbox.enqueue(db, callbacks);
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

function toNewAcceptedMessage({ id, request, at }: Accepted): NewAcceptedMessage {
  const { segments, encoding } = countSegments(request.text);
  return {
    id,
    workspaceId: request.workspace,
    channelId: request.channel ?? null,
    from: request.from ?? null,
    to: request.to,
    text: request.text,
    segments,
    encoding,
    correlationId: request.correlationId ?? null,
    metadata: request.metadata ? JSON.stringify(request.metadata) : null,
    expiresAt: request.expiresAt ?? null,
    notifyUrl: request.notifyUrl ?? null,
    notifyFormat: request.notifyFormat ?? null,
    callbackData: request.callbackData ?? null,
    priority: request.priority,
    at,
    notifyOn: request.notifyOn ? JSON.stringify(request.notifyOn) : null,
    attachments: request.attachments ? JSON.stringify(request.attachments) : null,
  };
}
