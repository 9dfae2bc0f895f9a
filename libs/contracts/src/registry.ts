import { z } from 'zod';
import { DeadLetterV1 } from './events/dead-letter.v1';
import { InboundReceivedV1 } from './events/inbound-received.v1';
import { MessageStatusChangedV1 } from './events/message-status-changed.v1';
import { OutboundRequestedV1 } from './events/outbound-requested.v1';
import { OutboundStatusV1 } from './events/outbound-status.v1';
import { ReceiptReceivedV1 } from './events/receipt-received.v1';
import { SmppSubmitRequestedV1 } from './events/smpp-submit-requested.v1';
import { Topic } from './topics';

/** One source for each topic's payload: the TypeScript type, the runtime check and the JSON Schema. */
export const TopicSchemas = {
  'sms.outbound.requested.v1': OutboundRequestedV1,
  'sms.inbound.received.v1': InboundReceivedV1,
  'sms.outbound.status.v1': OutboundStatusV1,
  'sms.outbound.receipt.v1': ReceiptReceivedV1,
  'sms.outbound.smpp.v1': SmppSubmitRequestedV1,
  'sms.message.status-changed.v1': MessageStatusChangedV1,
  'sms.deadletter.v1': DeadLetterV1,
} as const satisfies Record<Topic, z.ZodType>;

/** The payload a consumer of `T` receives (defaults applied). */
export type PayloadOf<T extends Topic> = z.output<(typeof TopicSchemas)[T]>;
/** What a producer of `T` may send (defaults optional). */
export type PayloadInput<T extends Topic> = z.input<(typeof TopicSchemas)[T]>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Of a union's branches, the issue of the one that got furthest: not the branch that refused the value's
 * type outright (a string where an object is one form and a URL string the other), else the deepest.
 */
function unionIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const typed = branches.filter(
    (branch) => !(branch[0].code === 'invalid_type' && branch[0].path.length === 0),
  );
  const chosen = (typed.length > 0 ? typed : branches).reduce((best, next) =>
    next[0].path.length > best[0].path.length ? next : best,
  )[0];
  if (!chosen) return issue;
  const inner = unionIssue(chosen);
  return { ...inner, path: [...issue.path, ...inner.path] };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map(unionIssue)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function parsePayload<T extends Topic>(topic: T, value: unknown): ParseResult<PayloadOf<T>> {
  const result = TopicSchemas[topic].safeParse(value);
  return result.success
    ? { ok: true, value: result.data as PayloadOf<T> }
    : { ok: false, reason: describeIssues(result.error) };
}

export function jsonSchemaOf(topic: Topic): Record<string, unknown> {
  return {
    $id: `https://smsgate.dev/schemas/${topic}.json`,
    title: topic,
    ...z.toJSONSchema(TopicSchemas[topic], { io: 'input', target: 'draft-2020-12' }),
  };
}
