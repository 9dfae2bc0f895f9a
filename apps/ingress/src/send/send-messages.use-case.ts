import { BadRequestException, Injectable } from '@nestjs/common';
import { OutboundRequestedV1, Topics, uuidv7 } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import { normalizePhone } from '@smsgate/sms';
import { ChannelsService } from '../channels/channels.service';
import { unavailableOnTimeout } from '../inbound/unavailable-on-timeout';
import { substitute } from './placeholders';

export const MAX_DESTINATIONS = 1_000;

export interface Destination {
  to: string;
  variables?: Record<string, string>;
  correlationId?: string;
}

export interface SendCommand {
  workspace: string;
  destinations: Destination[];
  text: string;
  channel?: string;
  from?: string;
  correlationId?: string;
  notifyUrl?: string;
  expiresAt?: string;
  priority?: 'high' | 'normal' | 'bulk';
  metadata?: Record<string, string>;
  notifyFormat?: 'smsgate' | 'imiconnect';
  callbackData?: string;
}

export type DestinationResult =
  | { ok: true; id: string; to: string; correlationId?: string }
  | { ok: false; to: string; reason: string; correlationId?: string };

/**
 * Turns one send request into one `sms.outbound.requested.v1` event per valid destination and returns
 * only once Kafka acknowledged all of them. Invalid destinations are reported with a reason; the valid
 * ones still go.
 */
@Injectable()
export class SendMessages {
  constructor(
    private readonly channels: ChannelsService,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(command: SendCommand): Promise<DestinationResult[]> {
    if (command.destinations.length > MAX_DESTINATIONS) {
      throw new BadRequestException(`at most ${MAX_DESTINATIONS} destinations per request`);
    }
    let country: string | undefined;
    if (command.channel) {
      const channel = await this.channels.findForSend(command.workspace, command.channel);
      if (!channel) throw new BadRequestException(`unknown channel ${command.channel}`);
      country = channel.country ?? undefined;
    }
    const results: DestinationResult[] = [];
    const events: OutboundRequestedV1[] = [];
    for (const destination of command.destinations) {
      const correlationId = destination.correlationId ?? command.correlationId;
      const phone = normalizePhone(destination.to, country);
      if (!phone.ok) {
        results.push({ ok: false, to: destination.to, reason: phone.reason, correlationId });
        continue;
      }
      const text = substitute(command.text, destination.variables ?? {});
      if (!text.ok) {
        results.push({ ok: false, to: phone.e164, reason: text.reason, correlationId });
        continue;
      }
      const id = uuidv7();
      results.push({ ok: true, id, to: phone.e164, correlationId });
      events.push({
        id,
        workspace: command.workspace,
        channel: command.channel,
        to: phone.e164,
        from: command.from,
        text: text.text,
        correlationId,
        notifyUrl: command.notifyUrl,
        expiresAt: command.expiresAt,
        priority: command.priority ?? 'normal',
        metadata: command.metadata,
        notifyFormat: command.notifyFormat,
        callbackData: command.callbackData,
      });
    }
    await unavailableOnTimeout(
      this.publisher.publishAll(
        Topics.outboundRequested,
        events.map((event) => ({ payload: event, key: event.id })),
      ),
    );
    return results;
  }
}
