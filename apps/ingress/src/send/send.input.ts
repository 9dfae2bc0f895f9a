import {
  Attachment,
  MAX_ATTACHMENTS,
  MessageStatus,
  Metadata,
  Priority,
  QuickReplies,
  Timestamp,
} from '@smsgate/contracts';
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

/** courier's form of an attachment: `<content type>:<url>`, or the URL alone. */
const COURIER_ATTACHMENT = /^([\w.+-]+\/[\w.+-]+):(https?:\/\/.*)$/i;
const AttachmentInput = z
  .union([
    Attachment.strict(),
    z
      .string()
      .max(2_200)
      .transform((value, context) => {
        const typed = COURIER_ATTACHMENT.exec(value);
        const parsed = Attachment.safeParse(
          typed ? { url: typed[2], contentType: typed[1] } : { url: value },
        );
        if (parsed.success) return parsed.data;
        for (const issue of parsed.error.issues) context.addIssue({ ...issue, path: [] });
        return z.NEVER;
      })
      .describe("courier's form: `image/jpeg:https://…`, or the URL alone"),
  ])
  .describe('a file, by URL: the provider (or the phone) fetches it');

export const SendBody = z
  .object({
    to: z.union([Number, z.array(DestinationInput).min(1).max(MAX_DESTINATIONS)]),
    text: z.string().min(1).max(10_000).optional(),
    /** Files sent with the text, or alone; only channels that can carry them take the message. */
    attachments: z
      .array(AttachmentInput)
      .min(1, 'must hold at least one attachment (leave it out for none)')
      .max(MAX_ATTACHMENTS, `must hold at most ${MAX_ATTACHMENTS} attachments`)
      .optional(),
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
  .refine((body) => body.text === undefined || body.template === undefined, {
    path: ['text'],
    message: 'give a text or a template, not both',
  })
  .refine(
    (body) => body.text !== undefined || body.template !== undefined || body.attachments !== undefined,
    {
      path: ['text'],
      message: 'give a text, a template or attachments',
    },
  )
  .refine((body) => body.notifyOn === undefined || body.notifyUrl !== undefined, {
    path: ['notifyOn'],
    message: 'needs a notifyUrl to call back',
  })
  .refine((body) => body.quickReplies === undefined || body.channel !== undefined, {
    path: ['quickReplies'],
    message:
      'needs a channel that shows them (an ex channel using {{quick_replies}}): routing may pick one that cannot',
  });
