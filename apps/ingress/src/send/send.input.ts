import { MessageStatus, Metadata, Priority, QuickReplies, Timestamp } from '@smsgate/contracts';
import { z } from 'zod';
import { MAX_DESTINATIONS } from './send-messages.use-case';
import { TemplateId } from './template-texts';

const Variables = z.record(
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be a variable name')
    .max(64),
  z.string().max(1_000),
);
const Number = z.string().trim().min(1).max(32);
const DestinationInput = z.union([
  Number,
  z
    .object({
      to: Number,
      variables: Variables.optional(),
      correlationId: z.string().min(1).max(128).optional(),
    })
    .strict(),
]);

export const SendBody = z
  .object({
    to: z.union([Number, z.array(DestinationInput).min(1).max(MAX_DESTINATIONS)]),
    text: z.string().min(1).max(10_000).optional(),
    /** A stored template's id, whose body is the text (see /v1/templates). */
    template: TemplateId.optional(),
    channel: z.uuid().optional(),
    from: z.string().trim().min(1).max(32).optional(),
    correlationId: z.string().min(1).max(128).optional(),
    notifyUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The statuses called back to notifyUrl (default: every change), e.g. only the final ones. */
    notifyOn: z
      .array(MessageStatus.exclude(['received'], { error: 'must be an outbound message status' }))
      .min(1)
      .max(16)
      .optional(),
    expiresAt: Timestamp.optional(),
    priority: Priority.optional(),
    metadata: Metadata.optional(),
    /** Values for `$(name)` placeholders shared by every destination (a destination's own win). */
    variables: Variables.optional(),
    /** Shown with the message by an ex channel whose config uses `{{quick_replies}}` (RapidPro's). */
    quickReplies: QuickReplies.optional(),
  })
  .strict()
  .refine((body) => (body.text === undefined) !== (body.template === undefined), {
    path: ['text'],
    message: 'give a text or a template (one of them)',
  })
  .refine((body) => body.notifyOn === undefined || body.notifyUrl !== undefined, {
    path: ['notifyOn'],
    message: 'needs a notifyUrl to call back',
  })
  .refine((body) => body.quickReplies === undefined || body.channel !== undefined, {
    path: ['quickReplies'],
    message:
      'needs a channel that shows them (an ex channel using {{quick_replies}}): routing may pick one that cannot',
  });
