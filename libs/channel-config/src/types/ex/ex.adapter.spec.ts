import { NodeHttpClient } from '@smsgate/egress';
import {
  CHANNEL_ID,
  MESSAGE_ID,
  adapterChannel,
  expectNoSecrets,
  outboundMessage,
  useRecordingServer,
} from '../../outbound/adapter-fixtures.testing';
import type { RecordingServer } from '@smsgate/testing';
import { ExAdapter } from './ex.adapter';

const SECRETS = { send_authorization: 'Token 9f8e7d6c5b4a' };

describe('ExAdapter', () => {
  let server: RecordingServer;
  let http: NodeHttpClient;
  const adapter = new ExAdapter({ timeoutMs: 2_000 });

  useRecordingServer((local) => ({ server, http } = local));

  const send = (config: Record<string, unknown>, text?: string, secrets: Record<string, string> = {}) =>
    adapter.send(outboundMessage(text === undefined ? {} : { text }), adapterChannel(config, secrets), http);

  describe('requests', () => {
    it('posts the RapidPro form by default', async () => {
      const result = await send({ send_url: server.url('/send') });
      expect(result).toEqual({ kind: 'accepted', status: 'wired', providerMessageIds: [], parts: 1 });
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request).toMatchObject({ method: 'POST', url: '/send' });
      expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request?.headers.authorization).toBeUndefined();
      expect(request?.body).toBe(
        `id=${MESSAGE_ID}&text=Love+is+patient.+Love+is+kind.&to=%2B250788123123&to_no_plus=250788123123` +
          `&from=%2B5582999489287&from_no_plus=5582999489287&channel=${CHANNEL_ID}`,
      );
    });

    it('posts the seed JSON body, variables JSON-encoded, for content_type json', async () => {
      await send({ send_url: server.url('/json'), content_type: 'json' }, 'say "hi"\nnow');
      const [request] = server.requests;
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.body).toBe(
        `{"id":"${MESSAGE_ID}","text":"say \\"hi\\"\\nnow","to":"+250788123123","to_no_plus":"250788123123",` +
          `"from":"+5582999489287","from_no_plus":"5582999489287","channel":"${CHANNEL_ID}"}`,
      );
      expect(JSON.parse(request?.body ?? '')).toEqual({
        id: MESSAGE_ID,
        text: 'say "hi"\nnow',
        to: '+250788123123',
        to_no_plus: '250788123123',
        from: '+5582999489287',
        from_no_plus: '5582999489287',
        channel: CHANNEL_ID,
      });
    });

    it('fills a custom JSON body without quoting the variables itself', async () => {
      await send({
        send_url: server.url('/json'),
        content_type: 'json',
        body: '{"msisdn":{{to_no_plus}},"message":{"body":{{text}}},"ref":{{id}},"flash":false}',
      });
      expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
        msisdn: '250788123123',
        message: { body: 'Love is patient. Love is kind.' },
        ref: MESSAGE_ID,
        flash: false,
      });
    });

    it('escapes XML entities for content_type xml', async () => {
      const body = '<sms><to>{{to}}</to><text>{{text}}</text><ref a="{{id}}"/></sms>';
      await send(
        { send_url: server.url('/xml'), content_type: 'xml', body },
        `Tom & Jerry <3 "quotes" 'n' \u0001`,
      );
      const [request] = server.requests;
      expect(request?.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(request?.body).toBe(
        `<sms><to>+250788123123</to><text>Tom &amp; Jerry &lt;3 &quot;quotes&quot; &apos;n&apos; \ufffd</text>` +
          `<ref a="${MESSAGE_ID}"/></sms>`,
      );
    });

    it('sends a literal content type as given, encoding the variables by its kind', async () => {
      await send({
        send_url: server.url('/v'),
        content_type: 'application/vnd.acme+json; charset=utf-8',
        body: '{"t":{{text}}}',
      });
      expect(server.requests[0]?.headers['content-type']).toBe('application/vnd.acme+json; charset=utf-8');
      expect(server.requests[0]?.body).toBe('{"t":"Love is patient. Love is kind."}');
    });

    it('puts the variables in the query for GET when send_url has none, with no body but its content type', async () => {
      await send({ send_url: server.url('/get?user=acme'), method: 'GET' }, 'a b&c=d');
      const [request] = server.requests;
      expect(request?.method).toBe('GET');
      expect(request?.url).toBe(
        `/get?user=acme&id=${MESSAGE_ID}&text=a+b%26c%3Dd&to=%2B250788123123&to_no_plus=250788123123` +
          `&from=%2B5582999489287&from_no_plus=5582999489287&channel=${CHANNEL_ID}`,
      );
      expect(request?.body).toBe('');
      expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    });

    it('fills the variables of a GET send_url, URL-encoded, and adds nothing else', async () => {
      await send(
        { send_url: server.url('/get/{{to_no_plus}}?msg={{text}}&from={{from}}'), method: 'get' },
        'ñ +1',
      );
      expect(server.requests[0]?.url).toBe('/get/250788123123?msg=%C3%B1+%2B1&from=%2B5582999489287');
    });

    it('sends to and to_no_plus as the national number with use_national, as courier does', async () => {
      await send({
        send_url: server.url('/send?to={{to}}&n={{to_no_plus}}&from={{from}}'),
        method: 'GET',
        use_national: true,
      });
      expect(server.requests[0]?.url).toBe('/send?to=788123123&n=788123123&from=%2B5582999489287');
      await send({ send_url: server.url('/form'), use_national: true });
      expect(server.requests[1]?.body).toContain('&to=788123123&to_no_plus=788123123&');
    });

    it("fills courier's quoted JSON variables, uuid, session_status and quick_replies", async () => {
      await send(
        {
          send_url: server.url('/json'),
          content_type: 'json',
          body: '{"text":"{{text}}","ref":\'{{uuid}}\',"session":"{{session_status}}","replies":{{quick_replies}}}',
        },
        'say "hi"',
      );
      expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
        text: 'say "hi"',
        ref: MESSAGE_ID,
        session: '',
        replies: [],
      });
      await send({
        send_url: server.url('/q?u={{uuid}}&s={{session_status}}{{quick_replies}}'),
        method: 'GET',
      });
      expect(server.requests[1]?.url).toBe(`/q?u=${MESSAGE_ID}&s=`);
    });

    it("sends GSM stand-ins with courier's smart encoding (S) and the text as it is by default (D)", async () => {
      const text = 'Fancy “Smart” Quotes – São Tomé…';
      await send({ send_url: server.url('/s'), content_type: 'json', encoding: 'S' }, text);
      await send({ send_url: server.url('/s'), content_type: 'json', encoding: 'D' }, text);
      await send({ send_url: server.url('/s'), content_type: 'json', encoding: 'S' }, '“Hi” 😀');
      const texts = server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);
      expect(texts).toEqual(['Fancy "Smart" Quotes - Sao Tomé...', text, '“Hi” 😀']);
    });

    it('uses PUT, the Authorization secret and configured headers', async () => {
      await send(
        {
          send_url: server.url('/put'),
          method: 'PUT',
          content_type: 'json',
          headers: { 'X-Account': 'acme', 'content-type': 'application/json; charset=utf-8', 'X-Retries': 3 },
        },
        undefined,
        SECRETS,
      );
      const [request] = server.requests;
      expect(request?.method).toBe('PUT');
      expect(request?.headers).toMatchObject({
        authorization: 'Token 9f8e7d6c5b4a',
        'x-account': 'acme',
        'x-retries': '3',
        'content-type': 'application/json; charset=utf-8',
      });
    });
  });

  describe('long text', () => {
    it('sends one request per part, cut at word boundaries', async () => {
      const text = 'The quick brown fox jumps over the lazy dog';
      const result = await send({ send_url: server.url('/p'), content_type: 'json', max_length: 16 }, text);
      expect(result).toMatchObject({ kind: 'accepted', parts: 3 });
      const texts = server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);
      expect(texts).toEqual(['The quick brown', 'fox jumps over', 'the lazy dog']);
      expect(server.requests.every((request) => request.body.includes(`"id":"${MESSAGE_ID}"`))).toBe(true);
    });

    it('names the message and the part in every request, the same again when the message is retried', async () => {
      const config = { send_url: server.url('/p'), max_length: 10 };
      const dedupe = () =>
        server.requests.map((request) => [
          request.headers['x-smsgate-message-id'],
          request.headers['x-smsgate-part'],
        ]);
      // Sent again (a retry, a replay after a crash), each request names the same message and part.
      server.reply({ status: 200 }, { status: 503 });
      expect(await send(config, 'aaaaaaaaa bbbb')).toMatchObject({ kind: 'retry' });
      expect(dedupe()).toEqual([
        [MESSAGE_ID, '1/2'],
        [MESSAGE_ID, '2/2'],
      ]);
      server.reset();
      expect(await send(config, 'aaaaaaaaa bbbb')).toMatchObject({ kind: 'accepted', parts: 2 });
      expect(dedupe()).toEqual([
        [MESSAGE_ID, '1/2'],
        [MESSAGE_ID, '2/2'],
      ]);
    });

    it('names a message sent in one request part 1/1, for GET too', async () => {
      await send({ send_url: server.url('/get'), method: 'GET' });
      expect(server.requests[0]?.headers).toMatchObject({
        'x-smsgate-message-id': MESSAGE_ID,
        'x-smsgate-part': '1/1',
      });
    });

    it('cuts a word longer than max_length hard', async () => {
      const result = await send(
        { send_url: server.url('/p'), content_type: 'json', max_length: 5 },
        'ok abcdefghijkl',
      );
      expect(result).toMatchObject({ kind: 'accepted', parts: 4 });
      const texts = server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);
      expect(texts).toEqual(['ok', 'abcde', 'fghij', 'kl']);
    });

    it('splits at 160 characters by default', async () => {
      const text = `${'word '.repeat(40)}end`;
      const result = await send({ send_url: server.url('/p'), content_type: 'json' }, text);
      expect(result).toMatchObject({ kind: 'accepted', parts: 2 });
    });

    it('measures max_length in UTF-8 bytes, as courier does: 60 Amharic characters are two requests', async () => {
      const result = await send({ send_url: server.url('/p'), content_type: 'json' }, 'ሀ'.repeat(60));
      expect(result).toMatchObject({ kind: 'accepted', parts: 2 });
      const texts = server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);
      expect(texts).toEqual(['ሀ'.repeat(53), 'ሀ'.repeat(7)]);
    });

    it('stops at a failing part and says how many went out', async () => {
      server.reply({ status: 200 }, { status: 502 });
      const result = await send({ send_url: server.url('/p'), max_length: 10 }, 'aaaaaaaaa bbbbbbbbb cccc');
      expect(result).toMatchObject({
        kind: 'retry',
        reason: 'HTTP 502',
        detail: { part: 2, parts: 3, partsAccepted: 1, status: 502 },
      });
      expect(server.requests).toHaveLength(2);
    });

    it('sends from the part after those an earlier attempt delivered', async () => {
      const result = await adapter.send(
        { ...outboundMessage({ text: 'aaaaaaaaa bbbbbbbbb cccc' }), partsDelivered: 1 },
        adapterChannel({ send_url: server.url('/p'), max_length: 10, content_type: 'json' }),
        http,
      );
      expect(result).toMatchObject({ kind: 'accepted', parts: 3 });
      expect(server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text)).toEqual([
        'bbbbbbbbb',
        'cccc',
      ]);
    });
  });

  describe('quick replies', () => {
    const sendWith = (config: Record<string, unknown>, text: string, quickReplies: string[]) =>
      adapter.send({ ...outboundMessage({ text }), quickReplies }, adapterChannel(config), http);
    const long = 'This is a long message that will be longer than 30....... characters';

    it("renders them on the last request only, in courier's long-send cases for JSON, XML and GET", async () => {
      await sendWith(
        {
          send_url: server.url('/json'),
          content_type: 'json',
          max_length: 30,
          body: '{ "to":{{to}}, "text":{{text}}, "from":{{from}}, "quick_replies":{{quick_replies}} }',
        },
        long,
        ['One', 'Two', 'Three'],
      );
      expect(server.requests.map((request) => JSON.parse(request.body) as unknown)).toEqual([
        expect.objectContaining({ text: 'This is a long message that', quick_replies: [] }),
        expect.objectContaining({ text: 'will be longer than 30.......', quick_replies: [] }),
        expect.objectContaining({ text: 'characters', quick_replies: ['One', 'Two', 'Three'] }),
      ]);
      server.reset();
      await sendWith(
        {
          send_url: server.url('/xml'),
          content_type: 'xml',
          max_length: 30,
          body: '<msg><text>{{text}}</text><quick_replies>{{quick_replies}}</quick_replies></msg>',
        },
        long,
        ['One', 'Tom & Jerry'],
      );
      expect(server.requests.map((request) => request.body)).toEqual([
        '<msg><text>This is a long message that</text><quick_replies></quick_replies></msg>',
        '<msg><text>will be longer than 30.......</text><quick_replies></quick_replies></msg>',
        '<msg><text>characters</text><quick_replies><item>One</item><item>Tom &amp; Jerry</item></quick_replies></msg>',
      ]);
      server.reset();
      await sendWith(
        { send_url: server.url('/send?text={{text}}{{quick_replies}}'), method: 'GET', max_length: 30 },
        long,
        ['One', 'Sí & no'],
      );
      expect(server.requests.map((request) => request.url)).toEqual([
        '/send?text=This+is+a+long+message+that',
        '/send?text=will+be+longer+than+30.......',
        '/send?text=characters&quick_reply=One&quick_reply=S%C3%AD+%26+no',
      ]);
    });

    it('renders them as &quick_reply= fields in a form body', async () => {
      await sendWith({ send_url: server.url('/f'), body: 'text={{text}}{{quick_replies}}' }, 'Pick one', [
        'Yes',
        'No',
      ]);
      expect(server.requests[0]?.body).toBe('text=Pick+one&quick_reply=Yes&quick_reply=No');
    });
  });

  describe('mt_response_check', () => {
    it('accepts a 2xx whose body contains the check', async () => {
      server.reply({ status: 200, body: '{"status":"QUEUED","id":7}' });
      const result = await send({ send_url: server.url('/c'), mt_response_check: '"QUEUED"' });
      expect(result.kind).toBe('accepted');
    });

    it('fails a 2xx whose body lacks it', async () => {
      server.reply({ status: 200, body: '{"status":"REJECTED"}' });
      const result = await send({ send_url: server.url('/c'), mt_response_check: '"QUEUED"' });
      expect(result).toEqual({
        kind: 'failed',
        reason: 'response check failed: mt_response_check not found in the response',
        detail: { part: 1, parts: 1, partsAccepted: 0, status: 200, body: '{"status":"REJECTED"}' },
      });
    });
  });

  describe('classification', () => {
    it.each([200, 201, 202, 204])('accepts %i', async (status) => {
      server.reply({ status });
      expect((await send({ send_url: server.url('/s') })).kind).toBe('accepted');
    });

    it.each([400, 401, 403, 404, 422])('fails %i', async (status) => {
      server.reply({ status, body: 'nope' });
      expect(await send({ send_url: server.url('/s') })).toMatchObject({
        kind: 'failed',
        reason: `HTTP ${status}`,
        detail: { status, body: 'nope' },
      });
    });

    it.each([500, 502, 503, 504, 408])('retries %i', async (status) => {
      server.reply({ status });
      expect(await send({ send_url: server.url('/s') })).toMatchObject({
        kind: 'retry',
        reason: `HTTP ${status}`,
      });
    });

    it('retries 429 after the Retry-After the aggregator asks for', async () => {
      server.reply({ status: 429, headers: { 'Retry-After': '7' } });
      expect(await send({ send_url: server.url('/s') })).toMatchObject({
        kind: 'retry',
        reason: 'HTTP 429 (rate limited)',
        retryAfterMs: 7_000,
      });
    });

    it('fails a redirect rather than following it', async () => {
      server.reply({ status: 301, headers: { Location: 'http://10.0.0.1/' } });
      expect(await send({ send_url: server.url('/s') })).toMatchObject({
        kind: 'failed',
        reason: /redirects/,
      });
      expect(server.requests).toHaveLength(1);
    });

    it('retries when the aggregator does not answer in time', async () => {
      server.reply('hang');
      const quick = new ExAdapter({ timeoutMs: 100 });
      const result = await quick.send(
        outboundMessage(),
        adapterChannel({ send_url: server.url('/hang') }),
        http,
      );
      expect(result).toMatchObject({
        kind: 'retry',
        reason: /within 100 ms/,
        detail: { transport: 'timeout' },
      });
    });

    it('fails when the egress guard refuses the destination, without sending', async () => {
      const strict = new NodeHttpClient();
      const result = await adapter.send(
        outboundMessage(),
        adapterChannel({ send_url: server.url('/s') }),
        strict,
      );
      strict.close();
      expect(result).toMatchObject({
        kind: 'failed',
        reason: /^destination refused: 127\.0\.0\.1 is a loopback/,
      });
      expect(server.requests).toHaveLength(0);
    });

    it('fails without sending when the config is invalid', async () => {
      const result = await send({ send_url: 'ftp://example.com/x', method: 'DELETE' });
      expect(result).toEqual({
        kind: 'failed',
        reason:
          'invalid channel config: config.method: must be GET, POST or PUT; ' +
          'config.send_url: must be an http or https URL',
      });
      expect(server.requests).toHaveLength(0);
    });
  });

  it('never returns the Authorization secret, even when the aggregator echoes it', async () => {
    server.reply({ status: 401, body: `bad credentials: ${SECRETS.send_authorization}` });
    const result = await send({ send_url: server.url('/s') }, undefined, SECRETS);
    expect(server.requests[0]?.headers.authorization).toBe(SECRETS.send_authorization);
    expect(result).toMatchObject({ kind: 'failed', detail: { body: 'bad credentials: [redacted]' } });
    expectNoSecrets(result, SECRETS);
  });
});
