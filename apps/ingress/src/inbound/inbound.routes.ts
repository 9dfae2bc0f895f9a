import { CHANNEL_TYPES, inboundUrlsOf } from '@smsgate/channel-config';
import type { ApiContent, ApiResponse, ApiRoute } from '@smsgate/runtime';
import { ChannelType } from '@smsgate/contracts';
import { z } from 'zod';

/** What a refusal on /c/ looks like: RapidPro's error body, which aggregators already parse. */
const ProviderError = z.object({
  message: z.literal('Error'),
  data: z.array(z.object({ type: z.literal('error'), error: z.string() })),
});
const refused = (description: string): ApiResponse => ({ description, schema: ProviderError });

/** Each type's inbound URLs for a channel with its default config, as the channel view lists them. */
const urlTable = Object.values(CHANNEL_TYPES)
  .map((type) => {
    const urls = inboundUrlsOf({ id: '{uuid}', type: type.type, config: {} }, '');
    const listed = Object.entries(urls).map(([name, url]) => `\`${name}\`: \`${url}\``);
    return `- \`${type.type}\`: ${listed.length > 0 ? listed.join(', ') : 'none (its provider connects over SMPP)'}`;
  })
  .join('\n');

const description = `What providers post to smsgate: inbound messages (MO), delivery reports and opt-outs, in the provider's own format. A channel's URLs are listed in its \`inboundUrls\` (GET /v1/channels/{uuid}); with the default config they are:

${urlTable}

A template channel's URLs follow the events of its \`Webhook\` section. Fields are read from the query string and the body together (the body wins), whatever the body's encoding; an \`ex\` channel reads the field names its config gives, and an XML body where it sets \`from_xpath\` and \`text_xpath\`. The answer is the one the provider expects (RapidPro's for \`ex\`, or the channel's \`mo_response\`). A message accepted is durable; the same message posted again is recognised and not delivered twice.`;

const fields = z.record(z.string(), z.unknown()).describe("the provider's fields");
const bodies: ApiContent[] = [
  { schema: fields, contentType: 'application/x-www-form-urlencoded' },
  { schema: fields, contentType: 'multipart/form-data' },
  { schema: fields },
  { contentType: 'text/xml' },
];
const params = z.object({
  type: ChannelType.describe("the channel's type"),
  uuid: z.uuid().describe("the channel's uuid"),
  action: z.string().describe('the event: `receive`, `delivered`, `status`, … as the type names them'),
});
const answers: Record<number, ApiResponse> = {
  200: {
    description: "read and done: the provider's expected answer",
    schema: z.record(z.string(), z.unknown()),
    example: { message: 'Message Accepted', data: [{ type: 'msg', text: 'YES' }] },
    alternatives: [{ contentType: 'text/xml' }, { contentType: 'text/plain' }],
  },
  400: refused('refused: `data[0].error` says why'),
  404: refused('no such channel of this type, or the type has no such URL'),
  413: refused('the body is larger than the service accepts'),
  415: refused('a content type the route does not read'),
  503: refused('not durable yet (Kafka or PostgreSQL did not answer in time): post it again'),
};
const tag = 'Provider webhooks';

export const inboundRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/c/:type/:uuid/:action',
    tag,
    summary: 'A provider posts an inbound message, a delivery report or an opt-out',
    description,
    auth: 'none',
    params,
    body: bodies,
    responses: answers,
  },
  {
    method: 'get',
    path: '/c/:type/:uuid/:action',
    tag,
    summary: 'The same, for providers that call with a GET and the fields in the query string',
    auth: 'none',
    params,
    query: z.looseObject({}).describe("the provider's fields"),
    responses: answers,
  },
  {
    method: 'post',
    path: '/c/:type/:uuid',
    tag,
    summary: 'A provider that posts every event to one URL (a template channel naming the event in the body)',
    auth: 'none',
    params: params.pick({ type: true, uuid: true }),
    body: bodies,
    responses: answers,
  },
];
