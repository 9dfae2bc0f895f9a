import { Counter, Histogram } from 'prom-client';

/**
 * Message metrics shared by every service, named after the convention
 * `smsgate_<what>_<unit>{labels}`. Status events are counted where they are published (libs/kafka's
 * EventPublisher), so every producer — dispatcher, smpp-binds, ingress receipts — counts the same way.
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
