import { PayloadOf, Topic, Topics } from '@smsgate/contracts';
import { Counter, Histogram } from 'prom-client';

/**
 * Message metrics shared by every service, named after the convention
 * `smsgate_<what>_<unit>{labels}`. Status events are counted once Kafka acknowledged them: every
 * service gives `countPublished` to its KafkaModule, so every producer — dispatcher, smpp-binds,
 * ingress receipts — counts the same way.
 */
export const messagesTotal = new Counter({
  name: 'smsgate_messages_total',
  help: 'Message status events published, by direction (inbound|outbound), status and channel type',
  labelNames: ['direction', 'status', 'channel_type'],
});

/** Time one provider took to take one message (HTTP request, or SMPP submit_sm to submit_sm_resp). */
export const sendDuration = new Histogram({
  name: 'smsgate_send_duration_seconds',
  help: 'Time to hand one message to its provider, by channel type and result',
  labelNames: ['channel_type', 'result'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

/**
 * Counts a message event Kafka acknowledged (a status of a part after the first is the same message).
 * `channelType` labels statuses, whose payload does not carry it.
 */
export function countPublished(topic: Topic, payload: unknown, channelType = 'unknown'): void {
  if (topic === Topics.outboundRequested) {
    messagesTotal.inc({ direction: 'outbound', status: 'requested', channel_type: 'none' });
  } else if (topic === Topics.inboundReceived) {
    const inbound = payload as PayloadOf<typeof Topics.inboundReceived>;
    messagesTotal.inc({ direction: 'inbound', status: 'received', channel_type: inbound.channelType });
  } else if (topic === Topics.outboundStatus) {
    const status = payload as PayloadOf<typeof Topics.outboundStatus>;
    if ((status.part?.index ?? 0) === 0)
      messagesTotal.inc({ direction: 'outbound', status: status.status, channel_type: channelType });
  }
}
