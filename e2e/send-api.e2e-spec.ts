import { Topics, uuidv7 } from '@smsgate/contracts';
import {
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  TestWorkspace,
  TopicProbe,
} from '@smsgate/testing';

/** The send entry points on ingress: our API and the IMIconnect-compatible one, onto Kafka. */
describe('send API', () => {
  let ingress: ServiceProcess;
  let probe: TopicProbe;
  let workspace: TestWorkspace;

  beforeAll(async () => {
    [ingress, probe] = await Promise.all([
      ServiceProcess.start('ingress', serviceEnv()),
      TopicProbe.start(process.env.KAFKA_BROKERS!, [Topics.outboundRequested]),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e send');
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), probe?.stop()]);
  });

  const eventOf = async (id: string) =>
    (await probe.waitFor((m) => (m.value as { id?: string }).id === id)).value as Record<string, unknown>;

  describe('POST /v1/messages', () => {
    const send = (body: unknown, key = workspace.apiKey) =>
      fetch(`${ingress.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('accepts each valid destination, reports the invalid ones, and publishes one event per message', async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey, { country: 'KE' });
      const correlationId = uuidv7();
      const response = await send({
        to: ['0712345678', { to: '+254733000111', variables: { name: 'Wanjiru' } }, 'not a number'],
        text: 'Hello $(name), your code is $(code)',
        variables: { name: 'friend', code: '1234' },
        channel: channel.uuid,
        correlationId,
        priority: 'high',
        notifyUrl: 'https://example.org/hooks/sms',
        notifyOn: ['delivered', 'failed', 'delivered'],
        expiresAt: '2030-01-01T00:00:00Z',
      });
      expect(response.status).toBe(202);
      const { messages } = (await response.json()) as { messages: Record<string, string>[] };
      expect(messages).toEqual([
        { id: expect.any(String), to: '+254712345678', status: 'accepted', correlationId },
        { id: expect.any(String), to: '+254733000111', status: 'accepted', correlationId },
        { to: 'not a number', status: 'rejected', reason: 'not a phone number', correlationId },
      ]);
      expect(await eventOf(messages[0].id)).toMatchObject({
        workspace: workspace.id,
        channel: channel.uuid,
        to: '+254712345678',
        text: 'Hello friend, your code is 1234',
        priority: 'high',
        correlationId,
        notifyUrl: 'https://example.org/hooks/sms',
        notifyOn: ['delivered', 'failed'],
        expiresAt: '2030-01-01T00:00:00Z',
      });
      expect((await eventOf(messages[1].id)).text).toBe('Hello Wanjiru, your code is 1234');
    });

    it('rejects a destination whose variables are missing, and the whole request when none is valid', async () => {
      const response = await send({ to: '+254712345678', text: 'Hi $(name)' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        message: 'no valid destination',
        messages: [{ to: '+254712345678', status: 'rejected', reason: 'no value for variable $(name)' }],
      });
    });

    it.each([
      ['no text', { to: '+254712345678' }, 'text'],
      ['an unknown field', { to: '+254712345678', text: 'x', colour: 'red' }, 'colour'],
      [
        'more than 1,000 destinations',
        { to: Array.from({ length: 1_001 }, () => '+254712345678'), text: 'x' },
        'to',
      ],
      ['a bad priority', { to: '+254712345678', text: 'x', priority: 'urgent' }, 'priority'],
      [
        'notifyOn without a notifyUrl',
        { to: '+254712345678', text: 'x', notifyOn: ['delivered'] },
        'notifyOn',
      ],
      [
        'a notifyOn status that is not one',
        { to: '+254712345678', text: 'x', notifyUrl: 'https://example.org/h', notifyOn: ['done'] },
        'notifyOn',
      ],
      [
        'an empty notifyOn',
        { to: '+254712345678', text: 'x', notifyUrl: 'https://example.org/h', notifyOn: [] },
        'notifyOn',
      ],
    ])('answers %s with 400 naming the field', async (_label, body, field) => {
      const response = await send(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain(field);
    });

    it('refuses another workspace’s channel and a missing key', async () => {
      const other = await createWorkspace(ingress.url, 'e2e send other');
      const foreign = await createChannel(ingress.url, other.apiKey);
      const response = await send({ to: '+254712345678', text: 'x', channel: foreign.uuid });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain('unknown channel');
      expect((await send({ to: '+254712345678', text: 'x' }, 'sg_wrong')).status).toBe(401);
    });

    describe('repeated requests', () => {
      const sendWithKey = (body: unknown, idempotencyKey: string) =>
        fetch(`${ingress.url}/v1/messages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${workspace.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': idempotencyKey,
          },
          body: JSON.stringify(body),
        });
      const published = (id: string) =>
        probe.messages.filter((m) => (m.value as { id?: string }).id === id).length;

      it('answers a repeat with the same Idempotency-Key with the first answer and sends nothing new', async () => {
        const key = `order-${uuidv7()}`;
        const body = { to: ['+254712345678', '+254733000111'], text: `repeat ${key}` };
        const first = await sendWithKey(body, key);
        expect(first.status).toBe(202);
        const { messages } = (await first.json()) as { messages: { id: string }[] };
        await Promise.all(messages.map((message) => eventOf(message.id)));
        // The same request, its keys in another order, from another connection: the same request.
        const again = await sendWithKey({ text: body.text, to: body.to }, key);
        expect(again.status).toBe(202);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(((await again.json()) as { messages: { id: string }[] }).messages).toEqual(messages);
        // Nothing else with this text went to Kafka, however long one waits for it.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(probe.messages.filter((m) => (m.value as { text?: string }).text === body.text).length).toBe(
          2,
        );
        expect(messages.map((message) => published(message.id))).toEqual([1, 1]);
      });

      it('refuses the key with another request (422) and a malformed key (400)', async () => {
        const key = `order-${uuidv7()}`;
        expect((await sendWithKey({ to: '+254712345678', text: 'one' }, key)).status).toBe(202);
        const other = await sendWithKey({ to: '+254712345678', text: 'two' }, key);
        expect(other.status).toBe(422);
        expect(((await other.json()) as { message: string }).message).toContain('Idempotency-Key');
        const bad = await sendWithKey({ to: '+254712345678', text: 'one' }, 'with space');
        expect(bad.status).toBe(400);
      });

      it('recognises the same request with a correlation id, and sends a different one', async () => {
        const correlationId = `corr-${uuidv7()}`;
        const body = { to: '+254712345678', text: 'correlated', correlationId };
        const first = (await (await send(body)).json()) as { messages: { id: string }[] };
        const again = await send(body);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(((await again.json()) as { messages: { id: string }[] }).messages).toEqual(first.messages);
        const changed = (await (await send({ ...body, text: 'correlated, changed' })).json()) as {
          messages: { id: string }[];
        };
        expect(changed.messages[0].id).not.toBe(first.messages[0].id);
      });
    });
  });

  describe('POST /resources/v1/messaging (IMIconnect-compatible)', () => {
    const imi = (body: string | object, key: string | null = workspace.apiKey) =>
      fetch(`${ingress.url}/resources/v1/messaging`, {
        method: 'POST',
        headers: { ...(key ? { key } : {}), 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const entries = async (response: Response) =>
      ((await response.json()) as { response: Record<string, string>[] }).response;

    it('queues a simple SMS with optional parameters and answers code 1001 with our id as transid', async () => {
      const response = await imi({
        correlationid: 'sgh3tvk',
        notifyurl: 'https://mywebsite.example/record/transactions',
        notifydata: 'kopwest4kfr',
        expiry: '2030-04-12T18:51:19',
        priority: '2',
        deliverychannel: 'sms',
        channels: { sms: { text: 'Sending first SMS', senderid: 'DEMOBK' } },
        destination: [{ msisdn: ['254712345678'], correlationid: 'sgh3tvkpert' }],
      });
      expect(response.status).toBe(200);
      const [entry] = await entries(response);
      expect(entry).toEqual({
        code: '1001',
        description: 'Queued',
        transid: expect.any(String),
        correlationid: 'sgh3tvkpert',
      });
      expect(await eventOf(entry.transid)).toMatchObject({
        to: '+254712345678',
        from: 'DEMOBK',
        text: 'Sending first SMS',
        correlationId: 'sgh3tvkpert',
        notifyUrl: 'https://mywebsite.example/record/transactions',
        expiresAt: '2030-04-12T18:51:19.000Z',
        priority: 'normal',
        notifyFormat: 'imiconnect',
        callbackData: 'kopwest4kfr',
      });
    });

    it('accepts the batch (array) shape and per-destination variables', async () => {
      const response = await imi([
        {
          deliverychannel: 'sms',
          channels: { sms: { text: 'Hi $(name), greetings' } },
          destination: [{ msisdn: ['254711000001'], name: 'John' }],
        },
        {
          deliverychannel: 'sms',
          channels: { sms: { text: 'Hi $(name), greetings' } },
          destination: [{ msisdn: ['254711000002'], name: 'Mark' }],
        },
      ]);
      const [john, mark] = await entries(response);
      expect([john.code, mark.code]).toEqual(['1001', '1001']);
      expect((await eventOf(john.transid)).text).toBe('Hi John, greetings');
      expect((await eventOf(mark.transid)).text).toBe('Hi Mark, greetings');
    });

    it.each([
      ['invalid JSON', '{"deliverychannel":', undefined, 400, '7000'],
      ['a missing key', { deliverychannel: 'sms' }, null, 401, '7002'],
      ['a wrong key', { deliverychannel: 'sms' }, 'sg_wrong', 401, '7001'],
      [
        'no destination',
        { deliverychannel: 'sms', channels: { sms: { text: 'x' } }, destination: [] },
        undefined,
        400,
        '7003',
      ],
      [
        'no text',
        { deliverychannel: 'sms', channels: { sms: {} }, destination: [{ msisdn: ['254712345678'] }] },
        undefined,
        400,
        '7003',
      ],
      [
        'more than 1,000 destinations',
        {
          deliverychannel: 'sms',
          channels: { sms: { text: 'x' } },
          destination: [{ msisdn: Array.from({ length: 1_001 }, () => '254712345678') }],
        },
        undefined,
        400,
        '7009',
      ],
    ])('answers %s with IMIconnect code', async (_label, body, key, status, code) => {
      const response = await imi(body as object, key === undefined ? workspace.apiKey : key);
      expect(response.status).toBe(status);
      expect((await entries(response))[0].code).toBe(code);
    });
  });
});
