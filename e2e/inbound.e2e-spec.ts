import { Topics, uuidv7 } from '@smsgate/contracts';
import {
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  TestWorkspace,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';

/**
 * The first inbound slice, driven from outside as an aggregator and an app would: ingress and
 * dlr-tracker run as processes against the real Kafka and PostgreSQL.
 */
describe('inbound messages through ingress and dlr-tracker', () => {
  let ingress: ServiceProcess;
  let tracker: ServiceProcess;
  let probe: TopicProbe;
  let workspace: TestWorkspace;
  let receiveUrl: string;
  let channelUuid: string;

  beforeAll(async () => {
    [ingress, tracker, probe] = await Promise.all([
      ServiceProcess.start('ingress', serviceEnv()),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-inbound-e2e'),
      TopicProbe.start(process.env.KAFKA_BROKERS!, [Topics.inboundReceived]),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e inbound');
    const channel = await createChannel(ingress.url, workspace.apiKey, {
      secrets: { send_authorization: 'Token hunter2-secret' },
    });
    receiveUrl = channel.inboundUrls.receive.replace(/^http:\/\/127\.0\.0\.1:\d+/, ingress.url);
    channelUuid = channel.uuid;
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), tracker?.stop(), probe?.stop()]);
  });

  const readMessage = async (id: string, apiKey = workspace.apiKey) =>
    fetch(`${tracker.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });

  const expectStored = async (msgUuid: string, from: string, text: string) => {
    const stored = await waitFor(
      async () => {
        const response = await readMessage(msgUuid);
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      },
      { message: `message ${msgUuid} in dlr-tracker` },
    );
    expect(stored).toMatchObject({
      id: msgUuid,
      direction: 'in',
      channel: channelUuid,
      from,
      text,
      status: 'received',
    });
    expect(stored.history).toEqual([expect.objectContaining({ status: 'received', source: 'ingress' })]);
    const event = await probe.waitFor((m) => (m.value as { id?: string }).id === msgUuid);
    expect(event.key).toBe(channelUuid);
    expect(event.value).toMatchObject({
      id: msgUuid,
      workspace: workspace.id,
      channel: channelUuid,
      from,
      text,
    });
  };

  describe('workspaces and channels', () => {
    it('refuses the admin API without the admin token', async () => {
      const response = await fetch(`${ingress.url}/v1/workspaces`, {
        method: 'POST',
        headers: { authorization: 'Bearer wrong-token-wrong-token', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x' }),
      });
      expect(response.status).toBe(401);
    });

    it('shows a channel with its inbound URL, never its secret values, and only to its workspace', async () => {
      const response = await fetch(`${ingress.url}/v1/channels/${channelUuid}`, {
        headers: { authorization: `Bearer ${workspace.apiKey}` },
      });
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).not.toContain('hunter2-secret');
      expect(JSON.parse(text)).toMatchObject({
        uuid: channelUuid,
        type: 'ex',
        secretFields: ['send_authorization'],
        inboundUrls: { receive: expect.stringMatching(new RegExp(`/c/ex/${channelUuid}/receive$`)) },
      });
      const other = await createWorkspace(ingress.url, 'e2e other');
      const foreign = await fetch(`${ingress.url}/v1/channels/${channelUuid}`, {
        headers: { authorization: `Bearer ${other.apiKey}` },
      });
      expect(foreign.status).toBe(404);
      const list = (await (
        await fetch(`${ingress.url}/v1/channels`, { headers: { authorization: `Bearer ${other.apiKey}` } })
      ).json()) as { results: unknown[] };
      expect(list.results).toEqual([]);
    });

    it('validates channel input with a 400 naming the field', async () => {
      const response = await fetch(`${ingress.url}/v1/channels`, {
        method: 'POST',
        headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'fax', name: 'x' }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain('type');
    });
  });

  describe('RapidPro External API receive', () => {
    const bodyOf = async (response: Response) =>
      (await response.json()) as { message: string; data: Record<string, string>[] };

    it.each([
      ['query string (GET)', 'get'],
      ['urlencoded form', 'form'],
      ['multipart form', 'multipart'],
      ['JSON body', 'json'],
    ])('accepts a message as %s, stores it and publishes it', async (_label, style) => {
      const text = `hello ${style} ${uuidv7()}`;
      const fields = { from: '0712 345 678', text, date: '2026-11-22T10:15:30.123456+03:00' };
      let response: Response;
      if (style === 'get') {
        response = await fetch(`${receiveUrl}?${new URLSearchParams(fields).toString()}`);
      } else if (style === 'form') {
        response = await fetch(receiveUrl, { method: 'POST', body: new URLSearchParams(fields) });
      } else if (style === 'multipart') {
        const form = new FormData();
        for (const [name, value] of Object.entries(fields)) form.append(name, value);
        response = await fetch(receiveUrl, { method: 'POST', body: form });
      } else {
        response = await fetch(receiveUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(fields),
        });
      }
      expect(response.status).toBe(200);
      const body = await bodyOf(response);
      expect(body.message).toBe('Message Accepted');
      expect(body.data).toEqual([
        {
          type: 'msg',
          channel_uuid: channelUuid,
          msg_uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          text,
          urn: 'tel:+254712345678',
          received_on: '2026-11-22T07:15:30.123Z',
        },
      ]);
      await expectStored(body.data[0].msg_uuid, '+254712345678', text);
    });

    it("reads a channel's own receive field names (mo_from_field, mo_text_field)", async () => {
      const custom = await createChannel(ingress.url, workspace.apiKey, {
        config: {
          send_url: 'https://aggregator.example/send',
          mo_from_field: 'msisdn',
          mo_text_field: 'message',
        },
      });
      const text = `custom fields ${uuidv7()}`;
      const response = await fetch(`${ingress.url}/c/ex/${custom.uuid}/receive`, {
        method: 'POST',
        body: new URLSearchParams({ msisdn: '0712000333', message: text }),
      });
      expect(response.status).toBe(200);
      const body = await bodyOf(response);
      expect(body.data[0]).toMatchObject({ text, urn: 'tel:+254712000333' });
      const event = await probe.waitFor((m) => (m.value as { id?: string }).id === body.data[0].msg_uuid);
      expect(event.value).toMatchObject({ channel: custom.uuid, from: '+254712000333', text });
    });

    it.each(['GET', 'POST'])('takes a %s to the receive URL with a trailing slash', async (method) => {
      const fields = new URLSearchParams({ from: '+254712000222', text: `slash ${uuidv7()}` });
      const response =
        method === 'GET'
          ? await fetch(`${receiveUrl}/?${fields.toString()}`)
          : await fetch(`${receiveUrl}/`, { method, body: fields });
      expect(response.status).toBe(200);
      const body = await bodyOf(response);
      expect(body.message).toBe('Message Accepted');
      await expectStored(body.data[0].msg_uuid, '+254712000222', fields.get('text')!);
    });

    it('answers a re-post of the same message with the original id and publishes nothing new', async () => {
      const fields = { sender: '+254712000111', text: `again ${uuidv7()}`, time: '2026-11-22T11:00:00Z' };
      const post = () => fetch(receiveUrl, { method: 'POST', body: new URLSearchParams(fields) });
      const first = await bodyOf(await post());
      const second = await bodyOf(await post());
      expect(second.data[0].msg_uuid).toBe(first.data[0].msg_uuid);
      // A later message on the same channel shares the partition; once it is on the topic, any
      // duplicate published before it would be too.
      const sentinel = await bodyOf(
        await fetch(receiveUrl, {
          method: 'POST',
          body: new URLSearchParams({ from: '+254712000111', text: uuidv7() }),
        }),
      );
      await probe.waitFor((m) => (m.value as { id?: string }).id === sentinel.data[0].msg_uuid);
      expect(probe.find((m) => (m.value as { id?: string }).id === first.data[0].msg_uuid)).toHaveLength(1);
    });

    it.each([
      ['a missing sender', { text: 'hi' }, "missing required field 'from'"],
      ['an impossible number', { from: '+2541', text: 'hi' }, "invalid 'from' number"],
      [
        'a date that is not RFC 3339',
        { from: '+254712345678', text: 'hi', date: '22/11/2026' },
        'invalid date',
      ],
    ])('rejects %s with 400 and a reason in RapidPro’s shape', async (_label, fields, reason) => {
      const response = await fetch(receiveUrl, { method: 'POST', body: new URLSearchParams(fields) });
      expect(response.status).toBe(400);
      const body = await bodyOf(response);
      expect(body.message).toBe('Error');
      expect(body.data[0]).toEqual({ type: 'error', error: expect.stringContaining(reason) });
    });

    it('answers unknown and malformed channel uuids with 404', async () => {
      for (const uuid of [uuidv7(), 'not-a-uuid']) {
        const response = await fetch(`${ingress.url}/c/ex/${uuid}/receive?from=%2B254712345678&text=x`);
        expect(response.status).toBe(404);
        expect((await bodyOf(response)).data[0].type).toBe('error');
      }
    });

    it('answers malformed JSON and unsupported bodies with a 4xx, never a 500', async () => {
      const broken = await fetch(receiveUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"from": "+2547',
      });
      expect(broken.status).toBe(400);
      expect((await bodyOf(broken)).data[0].error).toMatch(/JSON/);
      const xml = await fetch(receiveUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: '<from>+254712345678</from>',
      });
      expect(xml.status).toBe(400);
      expect((await bodyOf(xml)).data[0].error).toMatch(/from_xpath and text_xpath/);
      const text = await fetch(receiveUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'from,text',
      });
      expect(text.status).toBe(415);
    });

    describe("an aggregator posting SOAP, as courier's from_xpath and text_xpath read it", () => {
      // Courier's own SOAP receive test (handlers/external), posted as an aggregator posts it.
      const soap = (from: string, text: string) =>
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:com="com.hero">' +
        `<soapenv:Header/><soapenv:Body><com:moRequest><source>${from}</source><content>${text}</content>` +
        '</com:moRequest></soapenv:Body></soapenv:Envelope>';
      const moResponse = '<?xml version="1.0"?><return>0</return>';
      let soapUrl: string;
      let soapChannel: string;

      beforeAll(async () => {
        const channel = await createChannel(ingress.url, workspace.apiKey, {
          country: 'NG',
          config: {
            send_url: 'https://aggregator.example/send',
            from_xpath: '//source',
            text_xpath: "//*[local-name()='content']",
            mo_response: moResponse,
            mo_response_content_type: 'text/xml',
          },
        });
        soapChannel = channel.uuid;
        soapUrl = `${ingress.url}/c/ex/${channel.uuid}/receive/`;
      });

      const postSoap = (body: string, type = 'text/xml; charset=utf-8') =>
        fetch(soapUrl, { method: 'POST', headers: { 'content-type': type }, body });

      it('takes the message and answers with mo_response as it is, in its content type', async () => {
        const text = `Join &amp; ${uuidv7()}`;
        const response = await postSoap(soap('08031234567', text));
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/xml');
        expect(await response.text()).toBe(moResponse);
        const event = await probe.waitFor(
          (m) => (m.value as { text?: string }).text === text.replace('&amp;', '&'),
        );
        expect(event.value).toMatchObject({ channel: soapChannel, from: '+2348031234567' });
      });

      it.each([
        [
          'without the nodes',
          soap('', '').replace(/<com:moRequest>.*<\/com:moRequest>/, ''),
          /missing from at/,
        ],
        ['that is not XML', 'from=%2B2348031234567&text=hi', /unable to parse request XML/],
        [
          'with a DTD',
          `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${soap('1', '&e;')}`,
          /DOCTYPE/,
        ],
      ])('refuses a body %s with a 400 in RapidPro’s shape', async (_case, body, reason) => {
        const response = await postSoap(body);
        expect(response.status).toBe(400);
        expect((await bodyOf(response)).data[0]).toEqual({
          type: 'error',
          error: expect.stringMatching(reason),
        });
      });

      it('refuses a form where the channel reads XML, and a body over 100,000 bytes with 413', async () => {
        const form = await fetch(soapUrl, {
          method: 'POST',
          body: new URLSearchParams({ from: '+2348031234567', text: 'hi' }),
        });
        expect(form.status).toBe(400);
        expect((await bodyOf(form)).data[0].error).toMatch(/reads an XML body/);
        const large = await postSoap(soap('08031234567', 'x'.repeat(100_000)));
        expect(large.status).toBe(413);
      });
    });

    it("keeps one workspace's messages from another workspace's key", async () => {
      const accepted = await bodyOf(
        await fetch(receiveUrl, {
          method: 'POST',
          body: new URLSearchParams({ from: '+254712345678', text: uuidv7() }),
        }),
      );
      const id = accepted.data[0].msg_uuid;
      await waitFor(async () => (await readMessage(id)).status === 200, {
        message: 'the message to be stored',
      });
      const other = await createWorkspace(ingress.url, 'e2e snoop');
      expect((await readMessage(id, other.apiKey)).status).toBe(404);
      expect((await readMessage(id, 'sg_not-a-key')).status).toBe(401);
    });
  });
});
