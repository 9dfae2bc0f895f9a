import { Attachment, Direction, MessageStatus } from '@smsgate/contracts';
import { MessageEntity, MessageEventEntity, MessagePartEntity, SmartlinkClick } from '@smsgate/db';
import { z } from 'zod';

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

/** GET /v1/messages/:id: the message with its status history (oldest first), parts and smartlink clicks. */
export const MessageDetail = MessageView.extend({
  partCount: z.int().min(1).nullable().describe('null until a part is reported'),
  history: z.array(HistoryEvent),
  parts: z.array(MessagePart),
  clicks: z.array(Click),
});

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
  clicks: clicks.map((click) => ({
    linkid: click.linkId,
    at: click.at.toISOString(),
    userAgent: click.userAgent,
  })),
});
