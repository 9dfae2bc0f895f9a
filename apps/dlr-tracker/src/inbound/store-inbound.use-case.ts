import { Injectable } from '@nestjs/common';
import { InboundReceivedV1, Topics } from '@smsgate/contracts';
import {
  ChannelsRepository,
  InboundMessagesRepository,
  NewInboundMessage,
  OptOutsRepository,
} from '@smsgate/db';
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
    private readonly channels: ChannelsRepository,
    private readonly inbound: InboundMessagesRepository,
    private readonly optOuts: OptOutsRepository,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(events: ConsumedEvent<InboundReceivedV1>[]): Promise<Outcome[]> {
    const channelIds = [...new Set(events.map((event) => event.payload.channel))];
    const owners = new Map(
      (await this.channels.findOwners(channelIds)).map((row) => [row.id, row.workspace_id]),
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

    const messages = valid.map((m): NewInboundMessage => {
      const { segments, encoding } = countSegments(m.text);
      return {
        id: m.id,
        workspaceId: m.workspace,
        channelId: m.channel,
        channelType: m.channelType,
        from: m.from,
        to: m.to ?? null,
        text: m.text,
        segments,
        encoding,
        providerMessageId: m.providerMessageId ?? null,
        metadata: m.metadata ? JSON.stringify(m.metadata) : null,
        attachments: m.attachments ? JSON.stringify(m.attachments) : null,
        sentAt: m.sentAt ?? null,
        receivedAt: m.receivedAt,
      };
    });
    await this.dataSource.transaction(async (db) => {
      await this.inbound.store(db, messages);
      await this.optOuts.liftOnInbound(db, messages);
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
