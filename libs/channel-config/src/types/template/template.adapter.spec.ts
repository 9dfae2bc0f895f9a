import type { NodeHttpClient } from '@smsgate/egress';
import {
  CHANNEL_ID,
  MESSAGE_ID,
  adapterChannel,
  expectNoSecrets,
  outboundMessage,
  useRecordingServer,
} from '../../outbound/adapter-fixtures.testing';
import type { RecordingServer } from '@smsgate/testing';
import { TemplateAdapter, formEncode } from './template.adapter';

interface SendMessage {
  request_method?: string;
  request_url?: string;
  request_content_type?: string;
  request_parameters?: Record<string, unknown>;
  response_map?: Record<string, unknown>;
}

const templateConfig = (sendMessage: SendMessage, auth?: string) => ({
  API: { SendMessage: sendMessage },
  ...(auth ? { auth: { type: auth } } : {}),
});

describe('TemplateAdapter', () => {
  let server: RecordingServer;
  let http: NodeHttpClient;
  const adapter = new TemplateAdapter({ timeoutMs: 2_000 });

  useRecordingServer((local) => ({ server, http } = local));

  const send = (
    sendMessage: SendMessage,
    auth?: string,
    secrets: Record<string, string> = {},
    text?: string,
  ) =>
    adapter.send(
      outboundMessage(text === undefined ? {} : { text }),
      adapterChannel(templateConfig(sendMessage, auth), secrets),
      http,
    );

  it('posts the Ringotel seed example as JSON and reads the id at data.id', async () => {
    server.reply({ status: 200, body: JSON.stringify({ data: { id: 'msg-42', state: 'queued' } }) });
    const result = await send({
      request_method: 'POST',
      request_url: server.url('/webhook'),
      request_content_type: 'application/json',
      request_parameters: { from: '$from$', to: '$to$', content: '$content$' },
      response_map: { data: { id: '$messageid$' } },
    });
    expect(result).toEqual({ kind: 'accepted', status: 'wired', providerMessageIds: ['msg-42'], parts: 1 });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/webhook' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({
      from: '+5582999489287',
      to: '+250788123123',
      content: 'Love is patient. Love is kind.',
    });
  });

  it("fills placeholders smsgate has no value for from the channel's settings, encoded in the URL", async () => {
    const config = {
      ...templateConfig({
        request_method: 'POST',
        request_url: server.url('/$domain$/send'),
        request_parameters: {
          from: '$from$',
          extension: '$extension$',
          domain: '$domain$',
        },
      }),
      settings: { extension: '101', domain: 'a b' },
    };
    await adapter.send(outboundMessage(), adapterChannel(config, {}), http);
    const [request] = server.requests;
    expect(request?.url).toBe('/a%20b/send');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      from: '+5582999489287',
      extension: '101',
      domain: 'a b',
    });
  });

  it('names the message and its one part in headers, whatever the method', async () => {
    for (const request_method of ['POST', 'GET']) {
      await send({
        request_method,
        request_url: server.url('/t'),
        request_content_type: 'application/json',
        request_parameters: { to: '$to$', content: '$content$' },
      });
    }
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests)
      expect(request.headers).toMatchObject({ 'x-smsgate-message-id': MESSAGE_ID, 'x-smsgate-part': '1/1' });
  });

  it('fills nested parameters, inside longer strings too, and keeps numbers, booleans and nulls', async () => {
    await send(
      {
        request_method: 'POST',
        request_url: server.url('/nested'),
        request_parameters: {
          method: 'message',
          params: { from: '$from_no_plus$', to: ['$to_no_plus$'], content: 'Re: $content$' },
          meta: { ref: '$messageid$', channel: '$channel$', priority: 2, flash: false, tag: null },
          literal: 'cost $5 and $unknown',
        },
      },
      undefined,
      {},
      'quote " and \\ backslash',
    );
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      method: 'message',
      params: { from: '5582999489287', to: ['250788123123'], content: 'Re: quote " and \\ backslash' },
      meta: { ref: MESSAGE_ID, channel: CHANNEL_ID, priority: 2, flash: false, tag: null },
      literal: 'cost $5 and $unknown',
    });
  });

  it('sends a form, flattening nested parameters with brackets', async () => {
    await send({
      request_method: 'PUT',
      request_url: server.url('/form'),
      request_content_type: 'application/x-www-form-urlencoded',
      request_parameters: { to: '$to$', message: { text: '$content$', parts: [1, 'two'] }, empty: null },
    });
    const [request] = server.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.body).toBe(
      'to=%2B250788123123&message%5Btext%5D=Love+is+patient.+Love+is+kind.' +
        '&message%5Bparts%5D%5B0%5D=1&message%5Bparts%5D%5B1%5D=two&empty=',
    );
    expect(new URLSearchParams(request?.body).get('message[text]')).toBe('Love is patient. Love is kind.');
  });

  it('puts the parameters in the query for GET, and fills placeholders in the URL encoded', async () => {
    await send({
      request_method: 'GET',
      request_url: server.url('/send/$to$?account=acme'),
      request_parameters: { text: '$content$', n: 1 },
    });
    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/send/%2B250788123123?account=acme&text=Love+is+patient.+Love+is+kind.&n=1');
    expect(request?.body).toBe('');
    expect(request?.headers['content-type']).toBeUndefined();
  });

  it('sends a bearer token', async () => {
    const secrets = { token: 'tok-3f2a9b' };
    await send({ request_method: 'POST', request_url: server.url('/a') }, 'bearer', secrets);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok-3f2a9b');
  });

  it('sends basic credentials', async () => {
    const secrets = { username: 'acme', password: 'pa:ss wörd' };
    await send({ request_method: 'POST', request_url: server.url('/a') }, 'basic', secrets);
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('acme:pa:ss wörd').toString('base64')}`,
    );
  });

  describe('response_map', () => {
    const mapped = (responseMap: Record<string, unknown>) => ({
      request_method: 'POST',
      request_url: server.url('/r'),
      response_map: responseMap,
    });

    it('follows arrays by index and reads numeric ids', async () => {
      server.reply({ status: 201, body: JSON.stringify({ messages: [{ id: 981 }, { id: 982 }] }) });
      expect(await send(mapped({ messages: [{ id: '$messageid$' }] }))).toMatchObject({
        kind: 'accepted',
        providerMessageIds: ['981'],
      });
    });

    it('accepts without an id, saying so, when the path is missing or the body is not JSON', async () => {
      server.reply({ status: 200, body: '{"data":{}}' }, { status: 200, body: 'OK' });
      for (let index = 0; index < 2; index += 1) {
        expect(await send(mapped({ data: { id: '$messageid$' } }))).toEqual({
          kind: 'accepted',
          status: 'wired',
          providerMessageIds: [],
          parts: 1,
          detail: { warning: 'no message id at data.id in the response' },
        });
      }
    });

    it('accepts without an id when there is no response_map', async () => {
      server.reply({ status: 200, body: '{"id":"x"}' });
      expect(await send({ request_method: 'POST', request_url: server.url('/r') })).toEqual({
        kind: 'accepted',
        status: 'wired',
        providerMessageIds: [],
        parts: 1,
      });
    });
  });

  describe('classification', () => {
    const plain = () => send({ request_method: 'POST', request_url: server.url('/c') });

    it('fails a 4xx', async () => {
      server.reply({ status: 400, body: '{"error":"bad to"}' });
      expect(await plain()).toMatchObject({
        kind: 'failed',
        reason: 'HTTP 400',
        detail: { body: '{"error":"bad to"}' },
      });
    });

    it('retries 5xx and 429', async () => {
      server.reply({ status: 500 }, { status: 429 });
      expect(await plain()).toMatchObject({ kind: 'retry', reason: 'HTTP 500' });
      expect(await plain()).toMatchObject({ kind: 'retry', reason: 'HTTP 429 (rate limited)' });
    });

    it('retries a timeout', async () => {
      server.reply('hang');
      const quick = new TemplateAdapter({ timeoutMs: 100 });
      const channel = adapterChannel(
        templateConfig({ request_method: 'POST', request_url: server.url('/h') }),
      );
      expect(await quick.send(outboundMessage(), channel, http)).toMatchObject({
        kind: 'retry',
        detail: { transport: 'timeout' },
      });
    });

    it('fails without a request when the auth secret is missing or the config is invalid', async () => {
      expect(await send({ request_method: 'POST', request_url: server.url('/c') }, 'bearer')).toEqual({
        kind: 'failed',
        reason: 'missing secret token',
      });
      expect(await send({ request_method: 'PATCH', request_url: server.url('/c') })).toEqual({
        kind: 'failed',
        reason: 'invalid channel config: config.API.SendMessage.request_method: must be GET, POST or PUT',
      });
      expect(server.requests).toHaveLength(0);
    });
  });

  it('never returns the credentials, in any form, even when the provider echoes them', async () => {
    const secrets = { username: 'acme', password: 's3cr3t-pw' };
    const header = `Basic ${Buffer.from('acme:s3cr3t-pw').toString('base64')}`;
    server.reply({ status: 403, body: `denied for ${header} (password s3cr3t-pw)` });
    const result = await send({ request_method: 'POST', request_url: server.url('/c') }, 'basic', secrets);
    expect(result).toMatchObject({
      kind: 'failed',
      detail: { body: 'denied for [redacted] (password [redacted])' },
    });
    expectNoSecrets(result, { password: secrets.password, header });
  });
});

describe('TemplateAdapter with files (API.SendFile)', () => {
  let server: RecordingServer;
  let http: NodeHttpClient;
  const adapter = new TemplateAdapter({ timeoutMs: 2_000 });

  useRecordingServer((local) => ({ server, http } = local));

  const FILES = [
    { url: 'https://cdn.example/a.jpg', contentType: 'image/jpeg' },
    { url: 'https://cdn.example/b.pdf?x=1&y=2', name: 'b.pdf' },
  ];

  /** The seed's API section: SendFile beside SendMessage, the file's URL as `media_url`. */
  const seedConfig = (sendFile: SendMessage = {}) => ({
    API: {
      SendMessage: {
        request_method: 'POST',
        request_url: server.url('/webhook'),
        request_content_type: 'application/json',
        request_parameters: {
          from: '$from$',
          to: '$to$',
          extension: '$extension$',
          domain: '$domain$',
          content: '$content$',
        },
        response_map: { data: { id: '$messageid$' } },
      },
      SendFile: {
        request_method: 'POST',
        request_url: server.url('/webhook'),
        request_content_type: 'application/json',
        request_parameters: {
          from: '$from$',
          to: '$to$',
          extension: '$extension$',
          domain: '$domain$',
          media_url: '$content$',
        },
        response_map: { data: { id: '$messageid$' } },
        ...sendFile,
      },
    },
    settings: { extension: '101', domain: 'pbx.example.com' },
  });
  const common = { from: '+5582999489287', to: '+250788123123', extension: '101', domain: 'pbx.example.com' };
  const idReply = (id: string) => ({ status: 200, body: JSON.stringify({ data: { id } }) });
  const bodies = () => server.requests.map((request) => JSON.parse(request.body) as unknown);
  const partHeaders = () => server.requests.map((request) => request.headers['x-smsgate-part']);

  it('sends the text through SendMessage, then each file through SendFile with its URL as $content$', async () => {
    server.reply(idReply('m-1'), idReply('f-1'), idReply('f-2'));
    const result = await adapter.send(
      outboundMessage({ attachments: FILES }),
      adapterChannel(seedConfig()),
      http,
    );
    expect(result).toEqual({
      kind: 'accepted',
      status: 'wired',
      providerMessageIds: ['m-1', 'f-1', 'f-2'],
      partIds: [
        { part: 0, id: 'm-1' },
        { part: 1, id: 'f-1' },
        { part: 2, id: 'f-2' },
      ],
      parts: 3,
    });
    expect(bodies()).toEqual([
      { ...common, content: 'Love is patient. Love is kind.' },
      { ...common, media_url: 'https://cdn.example/a.jpg' },
      { ...common, media_url: 'https://cdn.example/b.pdf?x=1&y=2' },
    ]);
    for (const request of server.requests) {
      expect(request).toMatchObject({ method: 'POST', url: '/webhook' });
      expect(request.headers).toMatchObject({
        'content-type': 'application/json',
        'x-smsgate-message-id': MESSAGE_ID,
      });
    }
    expect(partHeaders()).toEqual(['1/3', '2/3', '3/3']);
  });

  it('sends a message of files only as SendFile requests, no SendMessage', async () => {
    server.reply(idReply('f-1'));
    const result = await adapter.send(
      outboundMessage({ text: '', attachments: [FILES[0]] }),
      adapterChannel(seedConfig()),
      http,
    );
    expect(result).toEqual({ kind: 'accepted', status: 'wired', providerMessageIds: ['f-1'], parts: 1 });
    expect(bodies()).toEqual([{ ...common, media_url: 'https://cdn.example/a.jpg' }]);
    expect(partHeaders()).toEqual(['1/1']);
  });

  it('resumes after the parts the provider took on an earlier attempt', async () => {
    server.reply(idReply('f-2'));
    const result = await adapter.send(
      outboundMessage({ attachments: FILES, partsDelivered: 2 }),
      adapterChannel(seedConfig()),
      http,
    );
    // Numbered among all three parts, not as the first of one.
    expect(result).toEqual({
      kind: 'accepted',
      status: 'wired',
      providerMessageIds: ['f-2'],
      partIds: [{ part: 2, id: 'f-2' }],
      parts: 3,
    });
    expect(bodies()).toEqual([{ ...common, media_url: 'https://cdn.example/b.pdf?x=1&y=2' }]);
    expect(partHeaders()).toEqual(['3/3']);
  });

  it("reads each request's id through its own response_map, SendFile's form included", async () => {
    const sendFile = {
      request_method: 'PUT',
      request_url: server.url('/files/$to$'),
      request_content_type: 'application/x-www-form-urlencoded',
      request_parameters: { url: '$content$', ref: '$messageid$' },
      response_map: { result: [{ file_id: '$messageid$' }] },
    };
    server.reply(
      idReply('m-1'),
      { status: 201, body: JSON.stringify({ result: [{ file_id: 77 }] }) },
      { status: 201, body: '{"result":[]}' },
    );
    const result = await adapter.send(
      outboundMessage({ attachments: FILES }),
      adapterChannel(seedConfig(sendFile)),
      http,
    );
    expect(result).toEqual({
      kind: 'accepted',
      status: 'wired',
      providerMessageIds: ['m-1', '77'],
      partIds: [
        { part: 0, id: 'm-1' },
        { part: 1, id: '77' },
      ],
      parts: 3,
      detail: { warning: 'no message id at result.0.file_id in the response to part 3' },
    });
    const [, first, second] = server.requests;
    expect(first).toMatchObject({ method: 'PUT', url: '/files/%2B250788123123' });
    expect(first?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(first?.body).toBe(`url=https%3A%2F%2Fcdn.example%2Fa.jpg&ref=${MESSAGE_ID}`);
    expect(second?.body).toBe(`url=https%3A%2F%2Fcdn.example%2Fb.pdf%3Fx%3D1%26y%3D2&ref=${MESSAGE_ID}`);
  });

  it('classifies a failed file as a failed text, naming the part and the parts taken before it', async () => {
    server.reply(idReply('m-1'), { status: 503 }, idReply('m-1'), { status: 422, body: 'bad media' });
    const channel = adapterChannel(seedConfig());
    expect(await adapter.send(outboundMessage({ attachments: FILES }), channel, http)).toEqual({
      kind: 'retry',
      reason: 'HTTP 503',
      detail: { part: 2, parts: 3, partsAccepted: 1, status: 503, body: '' },
    });
    expect(await adapter.send(outboundMessage({ attachments: FILES }), channel, http)).toEqual({
      kind: 'failed',
      reason: 'HTTP 422',
      detail: { part: 2, parts: 3, partsAccepted: 1, status: 422, body: 'bad media' },
    });
    expect(server.requests).toHaveLength(4);
  });

  it('refuses files without a request on a template that has no SendFile, and sends text as before', async () => {
    const { SendFile: _none, ...api } = seedConfig().API;
    const channel = adapterChannel({ ...seedConfig(), API: api });
    expect(await adapter.send(outboundMessage({ attachments: FILES }), channel, http)).toEqual({
      kind: 'failed',
      reason: "the channel's template has no API.SendFile to send files with",
    });
    expect(server.requests).toHaveLength(0);
    server.reply(idReply('m-1'));
    expect(await adapter.send(outboundMessage(), channel, http)).toEqual({
      kind: 'accepted',
      status: 'wired',
      providerMessageIds: ['m-1'],
      parts: 1,
    });
    expect(partHeaders()).toEqual(['1/1']);
  });
});

describe('formEncode', () => {
  it('encodes scalars, nesting and arrays, and nothing for an empty object', () => {
    expect(formEncode({})).toBe('');
    expect(formEncode({ a: 'x y', b: { c: true, d: [null] } })).toBe('a=x+y&b%5Bc%5D=true&b%5Bd%5D%5B0%5D=');
  });
});
