import { Attachment, Direction, MessageStatus } from '@smsgate/contracts';
import {
  MessageEntity,
  MessageEventEntity,
  MessagePartEntity,
  MessageCallback,
  SmartlinkClick,
  TrafficCount,
  TrafficLatency,
} from '@smsgate/db';
import { z } from 'zod';
import { isFailure } from '../domain/status-machine';

// The answers of MessagesController: the view functions below return these schemas' output types, so
// the OpenAPI document (messages.routes.ts) describes what the controller returns.

const Instant = z.iso.datetime();
const Json = z.record(z.string(), z.unknown());

/** A message as GET /v1/messages lists it. */
export const MessageView = z.object({
  id: z.uuid().describe('UUIDv7, assigned where the message entered smsgate'),
  direction: Direction,
  channel: z
    .uuid()
    .nullable()
    .describe('null while no channel was chosen (no route, expired before routing)'),
  from: z.string().nullable(),
  to: z.string().nullable(),
  text: z.string(),
  status: MessageStatus,
  statusAt: Instant.nullable().describe('when the current status was reached'),
  segments: z.int().min(0),
  encoding: z.string().describe('`gsm7` or `ucs2`'),
  providerIds: z.array(z.string()).describe("the provider's ids of the message's parts"),
  correlationId: z.string().nullable(),
  priority: z.string().nullable(),
  expiresAt: Instant.nullable(),
  notifyUrl: z.string().nullable(),
  metadata: z.record(z.string(), z.string()).nullable(),
  attachments: z
    .array(Attachment)
    .nullable()
    .describe('the files the message carries, by URL; null for none'),
  error: Json.nullable().describe('the detail of the report that made the message fail'),
  callbackFailure: Json.nullable().describe('set when a status callback failed after every retry'),
  createdAt: Instant,
  updatedAt: Instant,
});

const HistoryEvent = z.object({
  eventId: z.uuid(),
  status: MessageStatus,
  previousStatus: MessageStatus.nullable().describe("the message's status before this event"),
  applied: z.boolean().describe('false when kept in history without changing the message or its part'),
  part: z.int().min(0).nullable().describe('the part the report is about'),
  source: z.string().describe('`request`, `dispatch`, `receipt` or `sweeper`'),
  detail: Json.nullable(),
  at: Instant,
});

const MessagePart = z.object({
  index: z.int().min(0),
  status: MessageStatus,
  providerMessageId: z.string().nullable(),
  updatedAt: Instant,
});

const Click = z.object({ linkid: z.string(), at: Instant, userAgent: z.string().nullable() });

const Callback = z.object({
  status: z.string().nullable().describe('the status the callback reports, when its body says one'),
  url: z.string().describe('where it goes: scheme, host and path (credentials and query left out)'),
  state: z
    .enum(['pending', 'queued', 'delivered', 'failed'])
    .describe('`queued` behind an earlier one of the message'),
  attempts: z.int().min(0),
  lastError: z.string().nullable(),
  createdAt: Instant,
  finishedAt: Instant.nullable(),
});

/**
 * GET /v1/messages/:id: the message with its status history (oldest first), parts, status callbacks
 * (kept a few hours after they finish) and smartlink clicks.
 */
export const MessageDetail = MessageView.extend({
  partCount: z.int().min(1).nullable().describe('null until a part is reported'),
  history: z.array(HistoryEvent),
  parts: z.array(MessagePart),
  callbacks: z
    .array(Callback)
    .describe('oldest first; finished ones stay a few hours (`CALLBACK_RETENTION_HOURS`)'),
  clicks: z.array(Click),
});

/** A callback as shown: the URL without what may be a secret (user, password, query), its reported status. */
export function callbackView(callback: MessageCallback): z.output<typeof Callback> {
  let url = callback.url;
  try {
    const parsed = new URL(callback.url);
    url = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    url = '(not a URL)';
  }
  let status: string | null = null;
  try {
    const body = JSON.parse(callback.body) as unknown;
    if (body && typeof body === 'object' && typeof (body as { status?: unknown }).status === 'string')
      status = (body as { status: string }).status;
  } catch {
    status = null;
  }
  return {
    status,
    url,
    state: callback.state as z.output<typeof Callback>['state'],
    attempts: callback.attempts,
    lastError: callback.lastError,
    createdAt: callback.createdAt.toISOString(),
    finishedAt: callback.finishedAt?.toISOString() ?? null,
  };
}

/** GET /v1/messages: a page, newest first. */
export const MessagePage = z.object({
  data: z.array(MessageView),
  next: z.string().nullable().describe('the `cursor` of the following page; null on the last one'),
});

const Count = z.int().min(0);
const Counts = z.record(z.string(), Count);

/** GET /v1/stats. */
export const Stats = z.object({
  since: z.iso.datetime({ offset: true }),
  until: z.iso.datetime({ offset: true }).nullable(),
  total: Count,
  withAttachments: Count.describe('of them, messages that carry attachments'),
  byStatus: Counts.describe('messages by status'),
  byChannel: z
    .record(z.string(), Counts)
    .describe('messages by channel id, then status; `unrouted`: those without a channel'),
  clicks: Count.describe('smartlink clicks in the window, of any message'),
});

const Latency = z
  .object({ p50: z.number(), p90: z.number(), p99: z.number() })
  .describe('created → delivered, in milliseconds, of delivered outbound messages');

/** GET /v1/stats/traffic: the last hour or day in buckets. */
export const Traffic = z.object({
  window: z.enum(['1h', '24h']),
  bucketSeconds: z.int().describe('60 for the last hour, 600 for the last day'),
  since: Instant.describe("the first bucket's start"),
  until: Instant.describe("the last bucket's end"),
  buckets: z
    .array(
      z.object({
        at: Instant.describe("the bucket's start"),
        byStatus: Counts.describe('messages created in the bucket, by current status'),
        byChannel: Counts.describe('… by channel id; `none` for those without one'),
        delivered: Count.describe('outbound messages delivered'),
        failed: Count.describe(
          'outbound messages that finally failed: `failed`, `expired`, `rejected` or `no_route`',
        ),
        latencyMs: Latency.nullable(),
      }),
    )
    .describe('every bucket of the window, oldest first (zeros where nothing was created)'),
  totals: z.object({
    messages: Count,
    delivered: Count,
    failed: Count,
    deliveryRate: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .describe(
        'delivered / (delivered + failed); null when both are 0 (`unknown` and messages on their way count in neither)',
      ),
    latencyMs: Latency.nullable(),
  }),
});

/**
 * What a delivery rate counts as not delivered: the final failures (failed, expired, rejected, no_route).
 * Not `errored`: that attempt is retried.
 */
const isFailed = (status: string) => isFailure(status as MessageStatus);

/** Shapes counts and latencies into every bucket of [since, since + buckets × bucketSeconds). */
export function trafficView(
  window: '1h' | '24h',
  since: Date,
  bucketSeconds: number,
  bucketCount: number,
  counts: TrafficCount[],
  latencies: TrafficLatency[],
): z.output<typeof Traffic> {
  const start = since.getTime();
  const buckets = Array.from({ length: bucketCount }, (_, i) => ({
    at: new Date(start + i * bucketSeconds * 1_000).toISOString(),
    byStatus: {} as Record<string, number>,
    byChannel: {} as Record<string, number>,
    delivered: 0,
    failed: 0,
    latencyMs: null as { p50: number; p90: number; p99: number } | null,
  }));
  const indexOf = (bucket: Date) => Math.floor((bucket.getTime() - start) / (bucketSeconds * 1_000));
  const totals = { messages: 0, delivered: 0, failed: 0 };
  for (const { bucket, status, channelId, n } of counts) {
    const entry = buckets[indexOf(bucket)];
    if (!entry) continue;
    entry.byStatus[status] = (entry.byStatus[status] ?? 0) + n;
    const channel = channelId ?? 'none';
    entry.byChannel[channel] = (entry.byChannel[channel] ?? 0) + n;
    totals.messages += n;
    if (status === 'delivered') {
      entry.delivered += n;
      totals.delivered += n;
    } else if (isFailed(status)) {
      entry.failed += n;
      totals.failed += n;
    }
  }
  let overall: { p50: number; p90: number; p99: number } | null = null;
  for (const { bucket, p50, p90, p99 } of latencies) {
    const figures = { p50: Math.round(p50), p90: Math.round(p90), p99: Math.round(p99) };
    if (bucket === null) overall = figures;
    else {
      const entry = buckets[indexOf(bucket)];
      if (entry) entry.latencyMs = figures;
    }
  }
  const decided = totals.delivered + totals.failed;
  return {
    window,
    bucketSeconds,
    since: since.toISOString(),
    until: new Date(start + bucketCount * bucketSeconds * 1_000).toISOString(),
    buckets,
    totals: {
      ...totals,
      deliveryRate: decided === 0 ? null : totals.delivered / decided,
      latencyMs: overall,
    },
  };
}

// The ledger stores only MessageStatus values: every status is validated before it is applied.
const statusOf = (status: string) => status as MessageStatus;
const statusOrNull = (status: string | null) => (status === null ? null : statusOf(status));

export const messageView = (message: MessageEntity): z.output<typeof MessageView> => ({
  id: message.id,
  direction: message.direction,
  channel: message.channelId,
  from: message.from,
  to: message.to,
  text: message.text,
  status: statusOf(message.status),
  statusAt: message.statusAt?.toISOString() ?? null,
  segments: message.segments,
  encoding: message.encoding,
  providerIds: message.providerIds,
  correlationId: message.correlationId,
  priority: message.priority,
  expiresAt: message.expiresAt?.toISOString() ?? null,
  notifyUrl: message.notifyUrl,
  metadata: message.metadata,
  attachments: message.attachments,
  error: message.error,
  callbackFailure: message.callbackFailure,
  createdAt: message.createdAt.toISOString(),
  updatedAt: message.updatedAt.toISOString(),
});

const withoutBookkeeping = (detail: Record<string, unknown> | null) => {
  if (!detail) return detail;
  const { messageStatus: _status, previousMessageStatus: _previous, ...rest } = detail;
  return rest;
};

export const messageDetail = (
  message: MessageEntity,
  history: MessageEventEntity[],
  parts: MessagePartEntity[],
  clicks: SmartlinkClick[],
  callbacks: MessageCallback[] = [],
): z.output<typeof MessageDetail> => ({
  ...messageView(message),
  partCount: message.partCount,
  history: history.map((event) => ({
    eventId: event.eventId,
    status: statusOf(event.status),
    previousStatus: statusOrNull(event.previousStatus),
    applied: event.applied,
    part: event.partIndex,
    source: event.source,
    detail: withoutBookkeeping(event.detail),
    at: event.at.toISOString(),
  })),
  parts: parts.map((part) => ({
    index: part.partIndex,
    status: statusOf(part.status),
    providerMessageId: part.providerMessageId,
    updatedAt: part.updatedAt.toISOString(),
  })),
  callbacks: callbacks.map(callbackView),
  clicks: clicks.map((click) => ({
    linkid: click.linkId,
    at: click.at.toISOString(),
    userAgent: click.userAgent,
  })),
});
