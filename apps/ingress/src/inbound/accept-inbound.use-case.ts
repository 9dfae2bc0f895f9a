import { Injectable } from '@nestjs/common';
import type { InboundText } from '@smsgate/channel-config';
import { ChannelType, Topics, uuidv7 } from '@smsgate/contracts';
import { ChannelEntity } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import type { TraceContext } from '@smsgate/runtime';
import { createHash } from 'node:crypto';
import { InboundDedupStore } from './inbound-dedup.store';

export interface InboundInput extends InboundText {
  channel: Pick<ChannelEntity, 'id' | 'workspaceId' | 'address'>;
  channelType: ChannelType;
  /** The request's span, which the event continues (see traceOf). */
  trace?: TraceContext;
}

export interface Accepted {
  messageId: string;
  receivedAt: Date;
  duplicate: boolean;
}

/**
 * Accepts one inbound message: de-duplicates re-posts, publishes `sms.inbound.received.v1` and returns
 * only once Kafka acknowledged it. Accepted means durable.
 */
@Injectable()
export class AcceptInbound {
  constructor(
    private readonly dedup: InboundDedupStore,
    private readonly publisher: EventPublisher,
  ) {}

  /** Publishes under way in this process, by content key, so a concurrent re-post waits for them. */
  private readonly inFlight = new Map<string, Promise<void>>();

  async execute(input: InboundInput): Promise<Accepted> {
    const now = new Date();
    const key = dedupKey(input);
    const claim = await this.dedup.claim(key, uuidv7(now.getTime()), now);
    const original = { messageId: claim.messageId, receivedAt: claim.receivedAt, duplicate: true };
    if (!claim.claimed) {
      if (claim.published || this.dedup.isPublishedHere(key)) return original;
      const pending = this.inFlight.get(key);
      if (
        pending &&
        (await pending.then(
          () => true,
          () => false,
        ))
      )
        return original;
    }
    // Claimed now, or claimed earlier by a request that never saw Kafka's acknowledgement (another
    // replica, or a crash): publish under the same id; consumers apply an id once.
    const publishing = this.publish(input, claim.messageId, claim.receivedAt);
    this.inFlight.set(key, publishing);
    try {
      await publishing;
    } finally {
      if (this.inFlight.get(key) === publishing) this.inFlight.delete(key);
    }
    this.dedup.markPublished(key);
    return { ...original, duplicate: !claim.claimed };
  }

  private publish(input: InboundInput, id: string, receivedAt: Date): Promise<void> {
    return this.publisher.publish(
      Topics.inboundReceived,
      {
        id,
        workspace: input.channel.workspaceId,
        channel: input.channel.id,
        channelType: input.channelType,
        from: input.from,
        to: input.to ?? input.channel.address ?? undefined,
        text: input.text,
        receivedAt: receivedAt.toISOString(),
        sentAt: input.sentAt?.toISOString(),
        providerMessageId: input.providerMessageId,
        metadata: input.metadata,
        attachments: input.attachments,
      },
      { key: input.channel.id, trace: input.trace },
    );
  }
}

function dedupKey(input: InboundInput): string {
  return createHash('sha256')
    .update(
      [
        input.channel.id,
        input.from,
        input.text,
        input.sentAt?.toISOString() ?? '',
        input.providerMessageId ?? '',
        // A template file's one URL, as its metadata.mediaUrl was before attachments: the same key.
        input.attachments?.map((attachment) => attachment.url).join(' ') ?? '',
      ].join('\u0000'),
    )
    .digest('base64url');
}
