import { z } from 'zod';

// IMIconnect clients leave fields out, send them empty or as null: each is read as absent. What each
// field may hold beyond its type (lengths, dates, the priorities) is checked by the controller, with
// IMIconnect's codes; this is the shape, refused as code 7003 naming the field.
const text = (description?: string) => {
  const field = z.string({ error: 'must be a string' }).nullish();
  return description ? field.describe(description) : field;
};
const numberOrText = (description: string) =>
  z
    .union([z.string(), z.number()], { error: 'must be a string or a number' })
    .nullish()
    .describe(description);

const ImiDestination = z
  .looseObject({
    msisdn: z
      .union([z.string(), z.array(z.string({ error: 'must be a string' }))], {
        error: 'must be a number or a list of numbers',
      })
      .optional()
      .describe('one number or several'),
    correlationid: text("at most 128 characters; overrides the request's for this destination"),
  })
  .describe("a destination; its other string fields are values for the text's `$(name)` placeholders");

export const ImiSendRequest = z.looseObject({
  deliverychannel: text('`sms` (the only channel smsgate delivers)'),
  destination: z.array(ImiDestination, { error: 'must be a list of destinations' }).optional(),
  channels: z
    .looseObject({
      sms: z
        .looseObject({
          text: text('the message; `$(name)` placeholders and `{{link_<linkid>}}` smartlinks are filled'),
          senderid: text('the sender, at most 32 characters'),
          type: numberOrText('1 (text) or 4 (Unicode): the same here, the text picks its encoding'),
          'media-path': text(
            "a file's http(s) URL, at most 2048 characters: sent as the message's attachment (the text may then be left out)",
          ),
          body: z.unknown().optional().describe('binary content: not supported, refused'),
        })
        .nullish(),
      smartlinks: z.unknown().optional().describe('the `linkid`s used in the text (`{{link_<linkid>}}`)'),
    })
    .nullish(),
  message: z
    .union(
      [
        z.looseObject({
          template: numberOrText("a stored template's id (/v1/templates), instead of `channels.sms.text`"),
          parameters: z
            .record(z.string(), z.string({ error: 'must be a string' }))
            .nullish()
            .describe("values for the template's placeholders"),
        }),
        z.literal(''),
      ],
      { error: 'must be an object' },
    )
    .nullish(),
  correlationid: text('at most 128 characters; answered back and in status callbacks'),
  notifyurl: text("an http(s) URL for status callbacks, in IMIconnect's format"),
  notifydata: text('at most 1024 characters, echoed in status callbacks'),
  callbackData: text('the same as `notifydata`'),
  expiry: text('UTC without a zone (`2015-04-12T18:51:19`) or with one'),
  priority: numberOrText('1 low, 2 medium, 3 high'),
  route: z.unknown().optional().describe('not supported: smsgate picks the channel by its routes'),
  conversationid: z.unknown().optional().describe('not supported'),
});

/** One send request, or a batch of them (all validated before any is sent). */
export const ImiSendBody = z.union([ImiSendRequest, z.array(ImiSendRequest)]);

/** The first thing wrong with a request's shape, as IMIconnect words a bad parameter; undefined if none. */
export function imiShapeProblem(request: unknown): string | undefined {
  const parsed = ImiSendRequest.safeParse(request);
  if (parsed.success) return undefined;
  let issue: z.core.$ZodIssue = parsed.error.issues[0];
  let path: PropertyKey[] = issue.path;
  // Of a union's branches (`message`: an object, or empty), the one that got furthest says what is wrong.
  while (issue.code === 'invalid_union' && issue.errors.flat().length > 0) {
    const deepest: z.core.$ZodIssue = issue.errors
      .flat()
      .reduce((best, next) => (next.path.length > best.path.length ? next : best));
    if (deepest.path.length === 0) break;
    path = [...path, ...deepest.path];
    issue = deepest;
  }
  return `param '${path.map(String).join('.')}' ${issue.message}`;
}

export const ImiAnswer = z.object({
  response: z.array(
    z.object({
      code: z.string().describe("1001 queued; 7xxx refused (IMIconnect's codes); 7504 outcome unknown"),
      description: z.string(),
      transid: z.string().optional().describe("smsgate's message id"),
      correlationid: z.string().optional(),
    }),
  ),
});
