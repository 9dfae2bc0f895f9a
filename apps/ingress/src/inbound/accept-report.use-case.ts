import { Injectable } from '@nestjs/common';
import type { ProviderReport } from '@smsgate/channel-config';
import { receiptKey, Topics } from '@smsgate/contracts';
import { ChannelEntity } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import type { TraceContext } from '@smsgate/runtime';
import { unavailableOnTimeout } from './unavailable-on-timeout';

/**
 * Publishes a provider's report as its channel type read it: a status of our message when it names
 * our id, else a receipt for dlr-tracker to match by the provider's id. Returns once Kafka acknowledged.
 */
@Injectable()
export class AcceptReport {
  constructor(private readonly publisher: EventPublisher) {}

  async execute(
    channel: Pick<ChannelEntity, 'id' | 'workspaceId'>,
    report: ProviderReport,
    trace: TraceContext | undefined,
  ): Promise<void> {
    const { eventId, status, detail } = report;
    const at = report.at.toISOString();
    await unavailableOnTimeout(
      report.messageId !== undefined
        ? this.publisher.publish(
            Topics.outboundStatus,
            {
              eventId,
              id: report.messageId,
              workspace: channel.workspaceId,
              channel: channel.id,
              status,
              providerMessageId: report.providerMessageId,
              detail,
              at,
            },
            { key: report.messageId, trace },
          )
        : this.publisher.publish(
            Topics.receiptReceived,
            {
              eventId,
              workspace: channel.workspaceId,
              channel: channel.id,
              providerMessageId: report.providerMessageId,
              status,
              detail,
              at,
              receivedAt: new Date().toISOString(),
            },
            { key: receiptKey(channel.id, report.providerMessageId), trace },
          ),
    );
  }
}
