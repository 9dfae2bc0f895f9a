import { z } from 'zod';

const blankAsAbsent = (value: string) => (value.trim() === '' ? undefined : value);

/**
 * A field RapidPro fills in: text, or a number in the JSON form (`"id": {{id}}`); blank is absent.
 * `error` is the reason for anything else.
 */
const given = (max: number, error: string) =>
  z
    .union([z.string().max(max, `at most ${max} characters`), z.number().transform(String)], { error })
    .transform(blankAsAbsent);

const required = (max: number) => given(max, 'required').pipe(z.string({ error: 'required' }));

/** Read, not checked: a value that is not text counts as absent. */
const unread = (description: string) =>
  z.union([z.string(), z.number()]).optional().catch(undefined).describe(description);

/**
 * The fields of a RapidPro External API channel's send request, from its query and body (the body's
 * win). Its first issue is the 400's reason: see {@link sendFieldsError}.
 */
export const RapidProSendFields = z
  .object({
    uuid: given(100, 'must be text or a number').optional().describe("the RapidPro message's uuid"),
    id: given(100, 'must be text or a number')
      .optional()
      .describe("the RapidPro message's id, read when no uuid is given"),
    text: required(10_000),
    to: required(64).describe("the recipient: E.164, or national in the send channel's country"),
    to_no_plus: given(64, 'must be text or a number')
      .optional()
      .catch(undefined)
      .describe('the recipient without its +; read when `to` is not a number'),
    from: unread("the channel's address (not read)"),
    from_no_plus: unread('not read'),
    channel: unread("the RapidPro channel's uuid (not read: the path names it)"),
  })
  .refine((fields) => fields.uuid !== undefined || fields.id !== undefined, {
    message: 'uuid (or id): required',
    when: () => true,
  });

/** The reason of a 400: the message's reference first, then the fields in order. */
export function sendFieldsError(error: z.ZodError): string {
  const issue = error.issues.find((found) => found.path.length === 0) ?? error.issues[0];
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
