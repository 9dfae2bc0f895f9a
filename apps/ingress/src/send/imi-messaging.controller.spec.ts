import { HttpException } from '@nestjs/common';
import type { WorkspaceKeys } from '@smsgate/auth';
import type { MessageTemplatesRepository, ProfilesRepository, SmartlinksRepository } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { ChannelsService } from '../channels/channels.service';
import { ImiMessagingController, imiErrorBody } from './imi-messaging.controller';
import type { IngressConfig } from '../config';
import { SendMessages } from './send-messages.use-case';
import type { SendRequestsStore } from './send-requests.store';
import { TemplateTexts } from './template-texts';
import { imiSeedTemplateRequest } from '@smsgate/testing';
import { SmartlinkSends } from '../smartlinks/smartlink-sends';

const WORKSPACE = { id: '0190a3c2-1111-7aaa-8bbb-000000000001', name: 'imi' };

/** The real send path down to the publisher, which validates each event against its contract. */
function controller(
  profiles: Record<string, Record<string, string>> = {},
  templates: Record<string, string> = {},
) {
  const keys = { resolve: () => Promise.resolve(WORKSPACE) } as unknown as WorkspaceKeys;
  const publisher = new EventPublisher({ producer: () => ({}) } as unknown as Kafka);
  const published = jest.spyOn(publisher, 'publishRaw').mockResolvedValue();
  // The profile table's answer for the numbers asked (PostgreSQL's part is in the integration spec).
  const profileReads: string[][] = [];
  const profileStore = {
    fieldsOf: (_workspace: string, msisdns: string[]) => {
      profileReads.push(msisdns);
      return Promise.resolve(new Map(msisdns.filter((n) => profiles[n]).map((n) => [n, profiles[n]])));
    },
  } as unknown as ProfilesRepository;
  // Requests without an Idempotency-Key or correlation id never reach the store.
  const send = new SendMessages(
    {} as ChannelsService,
    publisher,
    {} as SendRequestsStore,
    {
      KAFKA_PUBLISH_TIMEOUT_MS: 10_000,
    } as IngressConfig,
    profileStore,
  );
  const reply = { header: () => reply, status: () => reply } as unknown as FastifyReply;
  const templateStore = {
    bodiesOf: (_workspace: string, ids: string[]) =>
      Promise.resolve(new Map(ids.filter((id) => templates[id]).map((id) => [id, templates[id]]))),
  } as unknown as MessageTemplatesRepository;
  // Without smartlinks a request never reaches their repository: an empty one proves it.
  const links = new SmartlinkSends(
    {} as SmartlinksRepository,
    { publicUrl: 'https://sms.example' } as IngressConfig,
  );
  const controller = new ImiMessagingController(keys, send, new TemplateTexts(templateStore), links);
  return {
    imi: {
      send: (key: string, body: unknown) =>
        controller.send(key, undefined, body, reply, {} as unknown as FastifyRequest),
    },
    published,
    profileReads,
  };
}

const request = (sms: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  deliverychannel: 'sms',
  channels: { sms: { text: 'habari', ...sms } },
  destination: [{ msisdn: ['254712345678'] }],
  ...extra,
});

/** The IMIconnect-shaped 400 the call was refused with. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof HttpException)) throw new Error(`expected an HttpException, got ${String(error)}`);
  return { status: error.getStatus(), body: error.getResponse() };
}

describe('IMIconnect messaging API validation', () => {
  it('sends a valid request', async () => {
    const { imi, published } = controller();
    const answer = await imi.send('key', request({ senderid: 'smsgate' }));
    expect(answer.response).toEqual([expect.objectContaining({ code: '1001', description: 'Queued' })]);
    expect(published).toHaveBeenCalledTimes(1);
  });

  it('sends text types 1 and 4 (Unicode) alike, and empty route and conversationid as not given', async () => {
    const { imi, published } = controller();
    for (const body of [
      request({ type: 1 }),
      request({ type: '4' }),
      request({}, { route: '', conversationid: '' }),
    ]) {
      const answer = await imi.send('key', body);
      expect(answer.response).toEqual([expect.objectContaining({ code: '1001' })]);
    }
    expect(published).toHaveBeenCalledTimes(3);
  });

  it.each([
    [
      'text over 10,000 characters',
      request({ text: 'x'.repeat(10_001) }),
      "param 'text' is longer than 10000 characters",
    ],
    [
      'a senderid over 32',
      request({ senderid: 's'.repeat(33) }),
      "param 'senderid' is longer than 32 characters",
    ],
    [
      'a correlationid over 128',
      request({}, { correlationid: 'c'.repeat(129) }),
      "param 'correlationid' is longer than 128 characters",
    ],
    [
      'notifydata over 1,024',
      request({}, { notifydata: 'd'.repeat(1_025) }),
      "param 'notifydata' is longer than 1024 characters",
    ],
    [
      'a notifyurl that is not a URL',
      request({}, { notifyurl: 'not a url' }),
      "param 'notifyurl' must be an http(s) URL",
    ],
    [
      'a destination correlationid over 128',
      request({}, { destination: [{ msisdn: ['254712345678'], correlationid: 'c'.repeat(129) }] }),
      "param 'correlationid' is longer than 128 characters",
    ],
    [
      'a priority IMIconnect does not have',
      request({}, { priority: '4' }),
      "param 'priority' must be 1 (low), 2 (medium) or 3 (high)",
    ],
    [
      'an expiry in year 10000 (UTC)',
      request({}, { expiry: '9999-12-31T23:00:00-05:00' }),
      "param 'expiry' is not a date",
    ],
    [
      'a routing policy (IMIconnect route)',
      request({}, { route: 'LCGD' }),
      "param 'route' is not supported: smsgate picks the channel by its routes (/v1/routes)",
    ],
    [
      'a conversationid',
      request({}, { conversationid: 'conv-1' }),
      "param 'conversationid' is not supported: smsgate keeps no conversations",
    ],
    [
      'a flash message (type 2)',
      request({ type: 2 }),
      "param 'type' must be 1 (text) or 4 (Unicode): flash and binary messages are not supported",
    ],
    [
      'binary content',
      request({ type: '1', body: '0A0B' }),
      "param 'body' (binary content) is not supported: send text",
    ],
    [
      'a media-path that is not an http(s) URL',
      request({ 'media-path': 'ftp://x.example/a.png' }),
      "param 'media-path' must be an http(s) URL of at most 2048 characters",
    ],
    [
      'a media-path over 2048 characters',
      request({ 'media-path': `https://x.example/${'a'.repeat(2_031)}` }),
      "param 'media-path' must be an http(s) URL of at most 2048 characters",
    ],
    [
      'a media-path that is not a string',
      request({ 'media-path': ['https://x.example/a.png'] }),
      "param 'channels.sms.media-path' must be a string",
    ],
    ['neither a text nor a media-path', request({ text: ' ' }), "param 'text' missing for channel sms"],
    // A field of the wrong type was read as absent (a notifyurl of 5: no callbacks, and no word of it).
    ['a notifyurl that is not a string', request({}, { notifyurl: 5 }), "param 'notifyurl' must be a string"],
    ['a text that is not a string', request({ text: 42 }), "param 'channels.sms.text' must be a string"],
    [
      'a destination that is not a list',
      request({}, { destination: '254712345678' }),
      "param 'destination' must be a list of destinations",
    ],
    [
      'an msisdn that is a number',
      request({}, { destination: [{ msisdn: 254712345678 }] }),
      "param 'destination.0.msisdn' must be a number or a list of numbers",
    ],
  ])('answers %s with 400 code 7003 (it was {"code":"500"})', async (_case, body, description) => {
    const { imi, published } = controller();
    expect(await refusal(imi.send('key', body))).toEqual({
      status: 400,
      body: { response: [{ code: '7003', description }] },
    });
    expect(published).not.toHaveBeenCalled();
  });

  it("sends a media-path as the message's attachment, with the text or alone", async () => {
    const { imi, published } = controller();
    const url = 'https://files.example/scan.pdf';
    for (const body of [
      request({ 'media-path': url }),
      request({ text: undefined, 'media-path': url }),
      request({ text: '', 'media-path': url }),
      request({ 'media-path': `https://x.example/${'a'.repeat(2_030)}` }),
    ]) {
      const answer = await imi.send('key', body);
      expect(answer.response).toEqual([expect.objectContaining({ code: '1001', description: 'Queued' })]);
    }
    expect(eventsOf(published).map((event) => [event.text, event.attachments])).toEqual([
      ['habari', [{ url }]],
      ['', [{ url }]],
      ['', [{ url }]],
      ['habari', [{ url: `https://x.example/${'a'.repeat(2_030)}` }]],
    ]);
  });

  it('answers a batch holding something other than an object with 400 code 7000 (null crashed it)', async () => {
    const { imi } = controller();
    expect(await refusal(imi.send('key', [request({}), null]))).toEqual({
      status: 400,
      body: { response: [{ code: '7000', description: 'Invalid JSON: each request must be an object' }] },
    });
  });

  it('answers a field the edge check refused with code 7003, other 400s with 7000', () => {
    const req = { url: '/resources/v1/messaging' } as FastifyRequest;
    const reason = 'channels.sms.text: must not contain NUL (U+0000) or an unpaired UTF-16 surrogate';
    expect(imiErrorBody(req, 400, reason, { message: reason, field: 'channels.sms.text' })).toEqual({
      response: [{ code: '7003', description: reason }],
    });
    expect(imiErrorBody(req, 400, 'Body is not valid JSON', { message: 'x' })).toEqual({
      response: [{ code: '7000', description: 'Invalid JSON: Body is not valid JSON' }],
    });
  });
});

/** The events published, in order. */
const eventsOf = (published: jest.SpyInstance) =>
  published.mock.calls.flatMap(([, records]: [string, { value: string }[]]) =>
    records.map(
      (record) =>
        JSON.parse(record.value) as {
          text: string;
          priority: string;
          expiresAt?: string;
          attachments?: { url: string }[];
        },
    ),
  );
const textsOf = (published: jest.SpyInstance) => eventsOf(published).map((event) => event.text);

describe('IMIconnect variables from profiles', () => {
  // The seed's "Simple SMS with variables", verbatim but for the number.
  const withVariables = {
    deliverychannel: 'sms',
    channels: { sms: { text: '$(name) $(email)', senderid: 'DEMOBK' } },
    destination: [{ msisdn: ['254712345678'] }],
  };

  it('fills the placeholders the request leaves open from the destination profile', async () => {
    const { imi, published, profileReads } = controller({
      '+254712345678': { name: 'Amina', email: 'amina@example.org', unused: 'x' },
    });
    const answer = await imi.send('key', withVariables);
    expect(answer.response).toEqual([expect.objectContaining({ code: '1001' })]);
    expect(textsOf(published)).toEqual(['Amina amina@example.org']);
    expect(profileReads).toEqual([['+254712345678']]);
  });

  it("lets the destination's own values win, and the profile fill the rest", async () => {
    const { imi, published } = controller({ '+254712345678': { name: 'Amina', email: 'amina@example.org' } });
    await imi.send('key', { ...withVariables, destination: [{ msisdn: ['254712345678'], name: 'Wanjiru' }] });
    expect(textsOf(published)).toEqual(['Wanjiru amina@example.org']);
  });

  it('answers 7003 naming the variable when neither the request nor the profile has it', async () => {
    const { imi, published } = controller({ '+254712345678': { name: 'Amina' } });
    const answer = await imi.send('key', withVariables);
    expect(answer.response).toEqual([
      { code: '7003', description: 'msisdn +254712345678: no value for variable $(email)' },
    ]);
    expect(published).not.toHaveBeenCalled();
  });

  it('reads no profile when the text has no placeholder, or the request fills them all', async () => {
    const { imi, profileReads } = controller();
    await imi.send('key', request({ text: 'no variables here' }));
    await imi.send('key', {
      ...withVariables,
      destination: [{ msisdn: ['254712345678'], name: 'a', email: 'b' }],
    });
    expect(profileReads).toEqual([]);
  });

  it('reads the profiles of a whole batch at once, only for the destinations with an open placeholder', async () => {
    const { imi, published, profileReads } = controller({
      '+254711000001': { name: 'John' },
      '+254711000002': { name: 'Mark' },
    });
    const hi = (msisdn: string[], extra: Record<string, string> = {}) => ({
      deliverychannel: 'sms',
      channels: { sms: { text: 'Hi $(name)' } },
      destination: [{ msisdn, ...extra }],
    });
    await imi.send('key', [hi(['254711000001', '254711000002']), hi(['254711000003'], { name: 'Steve' })]);
    expect(profileReads).toEqual([['+254711000001', '+254711000002']]);
    expect(textsOf(published)).toEqual(['Hi John', 'Hi Mark', 'Hi Steve']);
  });
});

describe('IMIconnect templates', () => {
  const withTemplate = imiSeedTemplateRequest('254712345678');

  it("sends the template's body, its placeholders filled from the destination, parameters, then profile", async () => {
    const { imi, published } = controller(
      { '+254712345678': { name: 'Amina', code: 'from profile' } },
      { '1': 'Hi $(name), code $(code), branch $(branch)' },
    );
    expect((await imi.send('key', withTemplate)).response).toEqual([
      { code: '7003', description: 'msisdn +254712345678: no value for variable $(branch)' },
    ]);
    const answer = await imi.send('key', {
      ...withTemplate,
      message: { template: 1, parameters: { branch: 'Westlands', code: 'from parameters' } },
      destination: [{ msisdn: ['254712345678'], code: '42' }],
    });
    expect(answer.response).toEqual([expect.objectContaining({ code: '1001' })]);
    expect(textsOf(published)).toEqual(['Hi Amina, code 42, branch Westlands']);
  });

  it.each([
    ['an unknown template', { message: { template: '2' } }, "template '2' not found"],
    [
      'a template and a text',
      { message: { template: '1' }, channels: { sms: { text: 'x' } } },
      "give either 'channels.sms.text' or 'message.template', not both",
    ],
    [
      'parameters without a template',
      { message: { parameters: { a: 'b' } } },
      "param 'message.parameters' needs a 'message.template'",
    ],
    [
      'a parameter that is not a string',
      { message: { template: '1', parameters: { a: 1 } } },
      "param 'message.parameters.a' must be a string",
    ],
    [
      'a template id that is not one',
      { message: { template: 'a b' } },
      "param 'message.template' must be a template id: up to 64 letters, digits, _ . : or -",
    ],
  ])('answers %s with 400 code 7003', async (_case, change, description) => {
    const { imi, published } = controller({}, { '1': 'Hello' });
    expect(await refusal(imi.send('key', { ...withTemplate, ...change }))).toEqual({
      status: 400,
      body: { response: [{ code: '7003', description }] },
    });
    expect(published).not.toHaveBeenCalled();
  });
});

describe('IMIconnect priority and expiry', () => {
  it.each([
    ['1', 'bulk'],
    [2, 'normal'],
    ['3', 'high'],
    ['', 'normal'],
  ])('reads priority %j (1 low, 2 medium, 3 high) as %s', async (priority, expected) => {
    const { imi, published } = controller();
    await imi.send('key', request({}, { priority }));
    expect(eventsOf(published)[0].priority).toBe(expected);
  });

  it("takes IMIconnect's callbackData as notifydata", async () => {
    const { imi, published } = controller();
    await imi.send('key', request({}, { callbackData: 'cb-1' }));
    expect(eventsOf(published)[0]).toMatchObject({ callbackData: 'cb-1' });
  });

  it.each([
    ['2030-04-12T18:51:19', '2030-04-12T18:51:19.000Z'],
    ['2030-04-12T13:00:19.456Z', '2030-04-12T13:00:19.456Z'],
    ['2030-04-12T18:30:19.456+5:30', '2030-04-12T13:00:19.456Z'],
    ['2030-04-12T18:30:19.456+05:30', '2030-04-12T13:00:19.456Z'],
  ])('reads expiry %s as %s', async (expiry, expected) => {
    const { imi, published } = controller();
    await imi.send('key', request({}, { expiry }));
    expect(eventsOf(published)[0].expiresAt).toBe(expected);
  });
});
