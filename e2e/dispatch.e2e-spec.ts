import { PayloadInput, Topics, uuidv7 } from '@smsgate/contracts';
import { Producer } from 'kafkajs';
import {
  createChannel,
  createWorkspace,
  RecordingServer,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  testProducer,
  TestWorkspace,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';

/**
 * The send path as an app and an aggregator see it: POST /v1/messages on ingress, through Kafka, to
 * dispatcher, to a recording aggregator speaking RapidPro's External API format.
 */
describe('dispatch to an HTTP aggregator', () => {
  let ingress: ServiceProcess;
  let dispatcher: ServiceProcess;
  let tracker: ServiceProcess;
  let producer: Producer;
  let probe: TopicProbe;
  let aggregator: RecordingServer;
  let workspace: TestWorkspace;

  beforeAll(async () => {
    const env = serviceEnv({
      RETRY_DELAYS_MS: '300,300',
      HTTP_TIMEOUT_MS: '2000',
      EGRESS_ALLOW: '127.0.0.1',
      CONFIG_CACHE_MS: '0',
    });
    aggregator = await RecordingServer.start();
    producer = testProducer('dispatch-e2e');
    [ingress, dispatcher, tracker, probe] = await Promise.all([
      // Ingress lets channels point anywhere on loopback; dispatcher only reaches 127.0.0.1, so a
      // channel on 127.0.0.2 shows dispatch's own egress guard at work.
      ServiceProcess.start('ingress', { ...env, EGRESS_ALLOW: '127.0.0.0/8' }),
      startInFreshGroup('dispatcher', 'dispatcher-e2e', env),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-dispatch-e2e', env),
      TopicProbe.start(process.env.KAFKA_BROKERS!, [Topics.outboundStatus, Topics.deadLetter]),
      producer.connect(),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e dispatch');
  });

  afterAll(async () => {
    await Promise.all([
      ingress?.stop(),
      dispatcher?.stop(),
      tracker?.stop(),
      probe?.stop(),
      aggregator?.stop(),
      producer?.disconnect(),
    ]);
  });

  const form = (path: string, fields: Record<string, string>) =>
    fetch(`${ingress.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  const send = async (body: Record<string, unknown>) => {
    const response = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { messages: { id: string }[] }).messages[0].id;
  };
  const statusOf = (id: string, status: string) => probe.waitForEvent(Topics.outboundStatus, id, status);

  const exChannel = (path: string, extra: Record<string, unknown> = {}) =>
    createChannel(ingress.url, workspace.apiKey, {
      type: 'ex',
      address: '+254700000099',
      config: { send_url: aggregator.url(path), content_type: 'json', method: 'POST', ...extra },
      secrets: { send_authorization: 'Token s3cr3t-aggregator' },
    });

  it('posts the RapidPro External API JSON body and reports the message wired', async () => {
    const channel = await exChannel('/send');
    const id = await send({ to: '+254712345678', text: 'Hello from smsgate', channel: channel.uuid });
    const wired = await statusOf(id, 'wired');
    expect(wired.value).toMatchObject({ channel: channel.uuid, attempt: 1 });
    const request = aggregator.requests.find((r) => r.body.includes(id))!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/send');
    expect(request.headers['content-type']).toContain('application/json');
    expect(request.headers.authorization).toBe('Token s3cr3t-aggregator');
    expect(request.headers['x-smsgate-message-id']).toBe(id);
    expect(request.headers['x-smsgate-part']).toBe('1/1');
    expect(JSON.parse(request.body)).toEqual({
      id,
      text: 'Hello from smsgate',
      to: '+254712345678',
      to_no_plus: '254712345678',
      from: '+254700000099',
      from_no_plus: '254700000099',
      channel: channel.uuid,
    });
  });

  it('retries a failing aggregator (503 twice, then 200) and reports errored, then wired', async () => {
    const channel = await exChannel('/flaky');
    aggregator.reply({ status: 503 }, { status: 503 });
    const id = await send({ to: '+254712345679', text: 'try again', channel: channel.uuid });
    await statusOf(id, 'wired');
    const tries = aggregator.requests.filter((r) => r.body.includes(id));
    expect(tries).toHaveLength(3);
    // Every try names the same message and part: the aggregator's key to deduplicate on.
    expect(tries.map((r) => [r.headers['x-smsgate-message-id'], r.headers['x-smsgate-part']])).toEqual([
      [id, '1/1'],
      [id, '1/1'],
      [id, '1/1'],
    ]);
    const errored = probe.find(
      (m) =>
        (m.value as { id?: string; status?: string }).id === id &&
        (m.value as { status: string }).status === 'errored',
    );
    expect(errored.map((m) => (m.value as { attempt: number }).attempt)).toEqual([1, 2]);
  });

  it("sends GSM stand-ins to a channel with courier's smart encoding (S)", async () => {
    const channel = await exChannel('/smart', { encoding: 'S' });
    const id = await send({
      to: '+254712345678',
      text: 'Fancy “Smart” Quotes – São Tomé…',
      channel: channel.uuid,
    });
    await statusOf(id, 'wired');
    const request = aggregator.requests.find((r) => r.body.includes(id))!;
    expect((JSON.parse(request.body) as { text: string }).text).toBe('Fancy "Smart" Quotes - Sao Tomé...');
  });

  it('renders quick replies on the last request of a long text as courier does, and again on a retry', async () => {
    const channel = await exChannel('/qr', {
      max_length: 30,
      body: '{"id":{{id}},"text":{{text}},"quick_replies":{{quick_replies}}}',
    });
    // The first part goes; the second fails once, so the retry sends it again from there.
    aggregator.reply({ status: 200 }, { status: 503 });
    const text = 'This is a long message that will be longer than 30....... characters';
    const id = await send({ to: '+254712345678', text, channel: channel.uuid, quickReplies: ['One', 'Two'] });
    await statusOf(id, 'wired');
    const bodies = aggregator.requests
      .filter((r) => r.body.includes(id))
      .map((r) => [r.headers['x-smsgate-part'], JSON.parse(r.body) as unknown]);
    expect(bodies).toEqual([
      ['1/3', { id, text: 'This is a long message that', quick_replies: [] }],
      ['2/3', { id, text: 'will be longer than 30.......', quick_replies: [] }],
      ['2/3', { id, text: 'will be longer than 30.......', quick_replies: [] }],
      ['3/3', { id, text: 'characters', quick_replies: ['One', 'Two'] }],
    ]);
  });

  it.each<[string, (channels: { qr: string; plain: string }) => Record<string, unknown>, RegExp]>([
    [
      'more than 10',
      ({ qr }) => ({ channel: qr, quickReplies: Array.from({ length: 11 }, (_, i) => `r${i}`) }),
      /at most 10/,
    ],
    ['one over 64 characters', ({ qr }) => ({ channel: qr, quickReplies: ['x'.repeat(65)] }), /at most 64/],
    ['a blank one', ({ qr }) => ({ channel: qr, quickReplies: [' '] }), /blank/],
    ['no channel', () => ({ quickReplies: ['Yes'] }), /needs a channel/],
    [
      'a channel not using {{quick_replies}}',
      ({ plain }) => ({ channel: plain, quickReplies: ['Yes'] }),
      /does not use/,
    ],
  ])('refuses quick replies with %s with a 400 saying why', async (_case, extra, reason) => {
    const [qr, plain] = await Promise.all([
      exChannel('/qr', { body: '{"text":{{text}},"qr":{{quick_replies}}}' }),
      exChannel('/plain'),
    ]);
    const response = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        to: '+254712345678',
        text: 'Pick one',
        ...extra({ qr: qr.uuid, plain: plain.uuid }),
      }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(reason);
  });

  it('fails a message the aggregator refuses (400) at once, and dead-letters it with the reason', async () => {
    const channel = await exChannel('/refuse');
    aggregator.reply({ status: 400, body: 'bad number' });
    const id = await send({ to: '+254712345670', text: 'refused', channel: channel.uuid });
    const failed = await statusOf(id, 'failed');
    expect((failed.value as { detail: { reason: string } }).detail.reason).toMatch(/400/);
    await probe.waitForDeadLetter(id);
    expect(aggregator.requests.filter((r) => r.body.includes(id))).toHaveLength(1);
  });

  it('reports no_route for a message without a channel when no route matches', async () => {
    const id = await send({ to: '+447700900123', text: 'nowhere to go' });
    await statusOf(id, 'no_route');
  });

  it('routes by prefix to the first channel and fails over to the next when it refuses', async () => {
    const refusing = await exChannel('/route-refuses');
    const working = await exChannel('/route-works');
    const route = await fetch(`${ingress.url}/v1/routes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prefix: '+25479', channels: [refusing.uuid, working.uuid] }),
    });
    expect(route.status).toBe(201);
    aggregator.reply({ status: 422, body: 'not today' });
    const id = await send({ to: '+254790000001', text: 'failover' });
    const wired = await statusOf(id, 'wired');
    expect(wired.value).toMatchObject({ channel: working.uuid, attempt: 2 });
    expect(aggregator.requests.filter((r) => r.body.includes(id)).map((r) => r.url)).toEqual([
      '/route-refuses',
      '/route-works',
    ]);
  });

  it('honours a stop: no sends to that number on that channel until it writes in again', async () => {
    const channel = await exChannel('/opt-out');
    const number = '+254712300001';
    expect((await form(`/c/ex/${channel.uuid}/stopped`, { from: number })).status).toBe(200);

    const refused = await send({ to: number, text: 'after the stop', channel: channel.uuid });
    const failed = await statusOf(refused, 'failed');
    expect((failed.value as { detail: { reason: string } }).detail.reason).toBe('opted_out');
    expect(aggregator.requests.some((r) => r.body.includes(refused))).toBe(false);

    expect((await form(`/c/ex/${channel.uuid}/receive`, { from: number, text: 'START' })).status).toBe(200);
    // dlr-tracker lifts the stop when it stores the inbound message; until then sends stay refused.
    let wiredId = '';
    await waitFor(
      async () => {
        const id = await send({ to: number, text: 'welcome back', channel: channel.uuid });
        const settled = await probe.waitFor(
          (m) =>
            m.topic === Topics.outboundStatus &&
            (m.value as { id: string }).id === id &&
            ['wired', 'failed'].includes((m.value as { status: string }).status),
        );
        if ((settled.value as { status: string }).status === 'wired') wiredId = id;
        return wiredId !== '';
      },
      { message: 'a send to the number after it wrote in again', timeoutMs: 20_000 },
    );
    expect(aggregator.requests.filter((r) => r.body.includes(wiredId))).toHaveLength(1);
  });

  it('refuses to send to an address its egress guard does not allow, permanently and without a request', async () => {
    const channel = await createChannel(ingress.url, workspace.apiKey, {
      type: 'ex',
      address: '+254700000099',
      config: {
        send_url: aggregator.url('/internal').replace('127.0.0.1', '127.0.0.2'),
        content_type: 'json',
      },
    });
    const before = aggregator.requests.length;
    const id = await send({ to: '+254712300002', text: 'to an internal address', channel: channel.uuid });
    const failed = await statusOf(id, 'failed');
    expect((failed.value as { detail: { reason: string } }).detail.reason).toMatch(
      /127\.0\.0\.2|not allowed|private|loopback/i,
    );
    await probe.waitForDeadLetter(id);
    expect(aggregator.requests.length).toBe(before);
  });

  it('paces a channel to its tps and lets high priority overtake bulk', async () => {
    const channel = await exChannel('/paced', { tps: 2 });
    const key = uuidv7();
    const request = (
      priority: 'bulk' | 'high',
      n: number,
    ): PayloadInput<typeof Topics.outboundRequested> => ({
      id: uuidv7(),
      workspace: workspace.id,
      channel: channel.uuid,
      to: `+25471240000${n}`,
      text: `${priority} ${n}`,
      priority,
    });
    const bulk = [1, 2, 3, 4, 5, 6].map((n) => request('bulk', n));
    const high = request('high', 7);
    // One key, one produce call: one partition, one batch, as an internal app's burst would arrive.
    await producer.send({
      topic: Topics.outboundRequested,
      acks: -1,
      messages: [...bulk, high].map((event) => ({ key, value: JSON.stringify(event) })),
    });
    await Promise.all([...bulk, high].map((event) => statusOf(event.id!, 'wired')));

    const arrivals = [...bulk, high].map((event) => {
      const received = aggregator.requests.find((r) => r.body.includes(event.id!));
      expect(received).toBeDefined();
      return { id: event.id, at: received!.at };
    });
    const order = [...arrivals].sort((a, b) => a.at - b.at).map((arrival) => arrival.id);
    // The first second's worth (2 parts) leaves at once, concurrently: high is in it, not behind 6 bulk.
    expect(order.indexOf(high.id)).toBeLessThan(2);
    // 7 parts at 2 per second, the first second's worth at once: the last cannot leave before 2.5 s.
    const spread = Math.max(...arrivals.map((a) => a.at)) - Math.min(...arrivals.map((a) => a.at));
    expect(spread).toBeGreaterThanOrEqual(2_000);
  });
});
