import { z } from 'zod';

const REQUIRED = 'This field is required.';
const TEXT_TOO_LONG = 'Ensure this field has no more than 10000 characters.';
const ONLY_URNS = 'Only urns are supported as recipients.';
const NO_RECIPIENTS = 'Must provide either urns, contacts or groups.';
const NOT_A_LIST = 'Expected a list of items.';

const isObject = ({ value }: { value: unknown }) =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const filled = (text: unknown): text is string => typeof text === 'string' && text.trim() !== '';

/** The text of a broadcast: a string, or translations keyed by language (base_language or the first). */
function chosenText(text: unknown, baseLanguage: unknown): unknown {
  if (typeof text !== 'object' || text === null) return text;
  const translations = text as Record<string, unknown>;
  const base = typeof baseLanguage === 'string' ? translations[baseLanguage] : undefined;
  return base ?? Object.values(translations)[0];
}

/**
 * POST /api/v2/broadcasts.json's body, as RapidPro's API takes it: only URNs as recipients. Its issues
 * are RapidPro's field errors: see {@link broadcastFieldError}.
 */
export const BroadcastBody = z
  .object(
    {
      text: z
        .union([z.string(), z.record(z.string(), z.string())], { error: REQUIRED })
        .describe('the message, or its translations keyed by language'),
      base_language: z
        .string()
        .optional()
        .catch(undefined)
        .describe('the translation to send (default: the first)'),
      urns: z
        .array(z.string({ error: NOT_A_LIST }), { error: NOT_A_LIST })
        .max(100, 'Ensure this field has no more than 100 elements.')
        .optional()
        .describe("`tel:` URNs; a national number is read in the CHT target default channel's country"),
      contacts: z.never({ error: ONLY_URNS }).optional().describe('not supported'),
      groups: z.never({ error: ONLY_URNS }).optional().describe('not supported'),
    },
    { error: 'Invalid data. Expected a dictionary.' },
  )
  // Object-wide checks run also when a field failed: the first issue by RapidPro's order is answered.
  .refine((body) => filled(chosenText(body.text, body.base_language)), {
    path: ['text'],
    message: REQUIRED,
    when: isObject,
  })
  .refine(
    (body) => {
      const text = chosenText(body.text, body.base_language);
      return typeof text !== 'string' || text.length <= 10_000;
    },
    { path: ['text'], message: TEXT_TOO_LONG, when: isObject },
  )
  .refine((body) => !(body.urns === undefined || (Array.isArray(body.urns) && body.urns.length === 0)), {
    message: NO_RECIPIENTS,
    when: isObject,
  })
  .transform((body) => ({
    text: chosenText(body.text, body.base_language) as string,
    urns: body.urns ?? [],
  }));

// RapidPro checks the text first, then the kinds of recipient, then the URNs.
const ORDER = ['text', 'contacts', 'groups', '', 'urns'];
const rank = (issue: z.core.$ZodIssue) => {
  const at = ORDER.indexOf(String(issue.path[0] ?? ''));
  return at === -1 ? ORDER.length : at;
};

/** The field error RapidPro would answer first: `text`, `urns`, or `non_field_errors` for the rest. */
export function broadcastFieldError(error: z.ZodError): { field: string; message: string } {
  const issue = [...error.issues].sort((a, b) => rank(a) - rank(b))[0];
  const field = issue.path[0];
  return { field: field === 'text' || field === 'urns' ? field : 'non_field_errors', message: issue.message };
}

const IDEMPOTENCY_KEY = 'Idempotency-Key must be 1 to 128 characters';

export const BroadcastHeaders = z.object({
  'idempotency-key': z
    .string({ error: IDEMPOTENCY_KEY })
    .min(1, IDEMPOTENCY_KEY)
    .max(128, IDEMPOTENCY_KEY)
    .optional()
    .describe(
      'makes a repeat of the request answer the first broadcast, whenever it comes (without it: the same text ' +
        'and URNs within CHT_IDEMPOTENCY_SECONDS)',
    ),
});

const integer = (name: string) => {
  const message = `Value for ${name} must be an integer.`;
  return z
    .string({ error: message })
    .regex(/^\d{1,18}$/, message)
    .optional();
};
const UUID_MESSAGE = 'Value for uuid must be a valid UUID.';

/** GET /api/v2/messages.json's filters; other parameters (paging, dates) are ignored. */
export const MessagesQuery = z.object({
  broadcast: integer('broadcast').describe("a broadcast's id: its messages"),
  id: integer('id').describe("a message's id"),
  uuid: z
    .string({ error: UUID_MESSAGE })
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, UUID_MESSAGE)
    .optional()
    .describe("a message's uuid (smsgate's message id)"),
});
