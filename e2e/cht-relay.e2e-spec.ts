import { Topics, uuidv7 } from '@smsgate/contracts';
import {
  ChtRapidProClient,
  createChannel,
  createWorkspace,
  FakeCht,
  RecordingServer,
  SECRETS_KEY,
  serviceEnv,
  ServiceProcess,
  SmscSimulator,
  startInFreshGroup,
  TestChannel,
  TestWorkspace,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';
import { FakeRapidPro } from './support/fake-rapidpro';

/**
 * cht-relay driven from outside as CHT and RapidPro drive it, through the real send path (ingress,
 * dispatcher, dlr-tracker on Kafka and PostgreSQL). The downstream aggregator is a recording RapidPro
 * External API endpoint (an `ex` channel) rather than an SMSC: receipts come back through ingress's
 * /c/ex/<uuid>/sent|delivered callbacks.
 */
describe('cht-relay', () => {
  let ingress: ServiceProcess;
  let dispatcher: ServiceProcess;
  let tracker: ServiceProcess;
  let relay: ServiceProcess;
  let probe: TopicProbe;
  let aggregator: RecordingServer;
  let cht: FakeCht;
  let smppBinds: ServiceProcess;
  let smsc: SmscSimulator;

  const CHT_KEY = 'cht-incoming-key-0123456789';

  beforeAll(async () => {
    const common = serviceEnv({ EGRESS_ALLOW: '127.0.0.1' });
    smsc = await new SmscSimulator({ systemId: 'cht-smpp', password: 'chtpw42' }).start();
    [aggregator, cht] = await Promise.all([RecordingServer.start(), FakeCht.start(CHT_KEY)]);
    [ingress, dispatcher, tracker, relay, probe] = await Promise.all([
      ServiceProcess.start('ingress', { ...common, INBOUND_DEDUP_WINDOW_SECONDS: '120' }),
      startInFreshGroup('dispatcher', 'dispatcher-cht-e2e', {
        ...common,
        RETRY_DELAYS_MS: '300,300',
        HTTP_TIMEOUT_MS: '2000',
        CONFIG_CACHE_MS: '0',
      }),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-cht-e2e', {
        ...common,
        RETRY_DELAYS_MS: '300,300',
      }),
      startInFreshGroup('cht-relay', 'cht-relay-e2e', {
        ...common,
        RETRY_DELAYS_MS: '300,600,1200,2400',
        HTTP_TIMEOUT_MS: '1500',
        GATEWAY_POLL_INTERVAL_MS: '250',
        LOOP_MAX_EXCHANGES: '3',
        CONFIG_CACHE_MS: '0',
      }),
      TopicProbe.start(process.env.KAFKA_BROKERS!, [Topics.deadLetter]),
    ]);
    smppBinds = await startInFreshGroup('smpp-binds', 'smpp-binds-cht-e2e', {
      ...common,
      RECONCILE_INTERVAL_MS: '300',
    });
  });

  afterAll(async () => {
    await Promise.all([
      ingress?.stop(),
      dispatcher?.stop(),
      tracker?.stop(),
      relay?.stop(),
      smppBinds?.stop(),
      smsc?.stop(),
      probe?.stop(),
      aggregator?.stop(),
      cht?.stop(),
    ]);
  });

  const call = async (service: ServiceProcess, method: string, path: string, key: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
    };
  };

  /** A workspace with an ex channel sending to the recording aggregator, and a CHT target. */
  const setUp = async (name: string, target: Record<string, unknown> | undefined, address: string) => {
    const workspace = await createWorkspace(ingress.url, name);
    const channel = await createChannel(ingress.url, workspace.apiKey, {
      type: 'ex',
      address,
      config: { send_url: aggregator.url(`/send/${name}`), content_type: 'json', method: 'POST' },
    });
    if (target) {
      const saved = await call(relay, 'PUT', '/v1/cht/target', workspace.apiKey, {
        url: cht.url,
        defaultChannel: channel.uuid,
        ...target,
      });
      expect(saved.status).toBe(200);
    }
    return { workspace, channel };
  };

  const sentToAggregator = (to: string, text: string) =>
    waitFor(
      () =>
        aggregator.requests
          .map((request) => JSON.parse(request.body) as { id: string; to: string; text: string })
          .find((body) => body.to === to && body.text === text),
      { message: `the aggregator to get "${text}" for ${to}` },
    );

  const receipt = async (channel: TestChannel, status: 'sent' | 'delivered' | 'failed', id: string) => {
    const response = await fetch(`${ingress.url}/c/ex/${channel.uuid}/${status}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id }).toString(),
    });
    expect(response.status).toBe(200);
  };

  const receive = async (
    channel: TestChannel,
    from: string,
    text: string,
    date = new Date().toISOString(),
  ) => {
    const response = await fetch(`${ingress.url}/c/ex/${channel.uuid}/receive`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ from, text, date }).toString(),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: { msg_uuid: string }[] }).data[0].msg_uuid;
  };

  const metric = async (pattern: RegExp): Promise<number> => {
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    const line = text.split('\n').find((l) => pattern.test(l));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  describe('CHT sending over an SMPP bind', () => {
    it('sends a broadcast through smpp-binds to the SMSC, and CHT polls it to delivered by the receipt', async () => {
      const workspace = await createWorkspace(ingress.url, 'cht-smpp');
      const channel = await createChannel(ingress.url, workspace.apiKey, {
        type: 'smpp',
        address: '22141',
        config: { host: '127.0.0.1', port: smsc.port, system_id: 'cht-smpp' },
        secrets: { password: 'chtpw42' },
      });
      const saved = await call(relay, 'PUT', '/v1/cht/target', workspace.apiKey, {
        url: cht.url,
        apiKey: CHT_KEY,
        defaultChannel: channel.uuid,
      });
      expect(saved.status).toBe(200);
      const client = new ChtRapidProClient(relay.url, workspace.apiKey);

      const sent = await client.send({ to: '+254712000191', content: 'ANC visit tomorrow over SMPP' });
      expect(typeof sent!.gatewayRef).toBe('number');
      await waitFor(async () => (await client.state(sent!.gatewayRef!)) === 'delivered', {
        timeoutMs: 60_000,
        message: 'CHT to see the SMPP message delivered',
      });
      const submits = smsc.submits.filter((submit) => submit.text === 'ANC visit tomorrow over SMPP');
      expect(submits).toHaveLength(1);
      // International number: TON 1 / NPI 1 with the plus stripped; a short code sender: TON 3.
      expect(submits[0].pdu.destination).toEqual({ ton: 1, npi: 1, addr: '254712000191' });
      expect(submits[0].pdu.source).toMatchObject({ ton: 3, addr: '22141' });
    });
  });

  describe('CHT sending through the RapidPro API', () => {
    let workspace: TestWorkspace;
    let channel: TestChannel;
    let client: ChtRapidProClient;

    beforeAll(async () => {
      ({ workspace, channel } = await setUp('cht-send', { apiKey: CHT_KEY }, '+254700000101'));
      client = new ChtRapidProClient(relay.url, workspace.apiKey);
    });

    it('sends a broadcast once, even when CHT retries it, and lets CHT poll it to delivered', async () => {
      const first = await client.send({ to: '+254712000101', content: 'Visit due for Jane' });
      expect(first).toMatchObject({ state: 'received-by-gateway' });
      expect(typeof first!.gatewayRef).toBe('number');
      // CHT timed out and sends the same message again in its next batch.
      const again = await client.send({ to: '+254712000101', content: 'Visit due for Jane' });
      expect(again!.gatewayRef).toBe(first!.gatewayRef);

      const sent = await sentToAggregator('+254712000101', 'Visit due for Jane');
      await waitFor(async () => (await client.state(first!.gatewayRef!)) === 'forwarded-by-gateway', {
        message: 'the broadcast to be wired',
      });
      await receipt(channel, 'sent', sent.id);
      await receipt(channel, 'delivered', sent.id);
      await waitFor(async () => (await client.state(first!.gatewayRef!)) === 'delivered', {
        message: 'CHT to see the message delivered',
      });
      expect(
        aggregator.requests.filter((request) => request.body.includes('Visit due for Jane')),
      ).toHaveLength(1);
    });

    it('creates one broadcast for concurrent identical requests (CHT retrying while the first is in flight)', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => client.send({ to: '+254712000105', content: 'Concurrent retry' })),
      );
      expect(new Set(results.map((result) => result?.gatewayRef)).size).toBe(1);
      await sentToAggregator('+254712000105', 'Concurrent retry');
      const listed = await fetch(`${relay.url}/api/v2/messages.json?broadcast=${results[0]!.gatewayRef}`, {
        headers: { authorization: `Token ${workspace.apiKey}` },
      });
      expect(((await listed.json()) as { results: unknown[] }).results).toHaveLength(1);
    });

    it("reads a national number the way the target's default channel (KE) does", async () => {
      const result = await client.send({ to: '0712000106', content: 'National number' });
      expect(result).toMatchObject({ state: 'received-by-gateway' });
      await sentToAggregator('+254712000106', 'National number');
    });

    it('answers with the RapidPro broadcast shape, and lists the message by broadcast and by uuid', async () => {
      const response = await fetch(`${relay.url}/api/v2/broadcasts.json`, {
        method: 'POST',
        headers: { authorization: `Token ${workspace.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ urns: ['tel:+254712000102'], text: 'Shape check' }),
      });
      expect(response.status).toBe(201);
      const broadcast = (await response.json()) as Record<string, unknown>;
      expect(broadcast).toMatchObject({ urns: ['tel:+254712000102'], text: 'Shape check', status: 'queued' });
      expect(broadcast.id).toEqual(expect.any(Number));
      expect(broadcast.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(broadcast.created_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

      const listed = await fetch(`${relay.url}/api/v2/messages.json?broadcast=${String(broadcast.id)}`, {
        headers: { authorization: `Token ${workspace.apiKey}` },
      });
      const { results } = (await listed.json()) as {
        results: { uuid: string; broadcast: number; urn: string }[];
      };
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({
        broadcast: broadcast.id,
        urn: 'tel:+254712000102',
        direction: 'out',
      });
      const byUuid = await fetch(`${relay.url}/api/v2/messages.json?uuid=${results[0].uuid}`, {
        headers: { authorization: `Token ${workspace.apiKey}` },
      });
      expect(((await byUuid.json()) as { results: unknown[] }).results).toHaveLength(1);
    });

    it.each([
      [{ urns: ['tel:not-a-number'], text: 'x' }, { urns: ['Invalid URN: tel:not-a-number'] }],
      [{ urns: ['tel:+254712000103'] }, { text: ['This field is required.'] }],
      [{ text: 'nobody' }, { non_field_errors: ['Must provide either urns, contacts or groups.'] }],
    ])('refuses %j with 400 and RapidPro field errors (CHT then marks it failed)', async (body, errors) => {
      const response = await fetch(`${relay.url}/api/v2/broadcasts.json`, {
        method: 'POST',
        headers: { authorization: `Token ${workspace.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(errors);
    });

    it('refuses a wrong or missing token with 403 and RapidPro detail', async () => {
      const wrong = await fetch(`${relay.url}/api/v2/messages.json?broadcast=1`, {
        headers: { authorization: 'Token not-a-key' },
      });
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toEqual({ detail: 'Invalid token' });
      const missing = await fetch(`${relay.url}/api/v2/broadcasts.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ urns: ['tel:+254712000104'], text: 'x' }),
      });
      expect(missing.status).toBe(403);
      expect(await missing.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    });

    it('answers 429 with Retry-After when the workspace exceeds its API rate', async () => {
      const limited = await setUp('cht-rate', { apiKey: CHT_KEY, apiRatePerMinute: 2 }, '+254700000102');
      const get = () =>
        fetch(`${relay.url}/api/v2/messages.json?broadcast=1`, {
          headers: { authorization: `Token ${limited.workspace.apiKey}` },
        });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const throttled = await get();
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await throttled.json()) as { detail: string }).detail).toMatch(/^Request was throttled/);
    });
  });

  describe('configuration API', () => {
    it('needs a workspace key, validates, and never shows secrets', async () => {
      const workspace = await createWorkspace(ingress.url, 'cht-config');
      expect((await call(relay, 'GET', '/v1/cht/target', 'sg_wrong')).status).toBe(401);
      const missingKey = await call(relay, 'PUT', '/v1/cht/target', workspace.apiKey, { url: cht.url });
      expect(missingKey.status).toBe(400);
      expect(missingKey.body.message).toMatch(/apiKey/);
      const badUrl = await call(relay, 'PUT', '/v1/cht/target', workspace.apiKey, {
        url: 'ftp://x',
        apiKey: 'k',
      });
      expect(badUrl.status).toBe(400);
      const metadata = await call(relay, 'PUT', '/v1/cht/target', workspace.apiKey, {
        url: 'http://169.254.169.254',
        apiKey: 'k',
      });
      expect(metadata.status).toBe(400);
      expect(metadata.body.message).toMatch(/link-local/);
      const saved = await call(relay, 'PUT', '/v1/cht/target', workspace.apiKey, {
        url: cht.url,
        apiKey: 'a-very-secret-cht-key',
      });
      expect(saved.status).toBe(200);
      const shown = await call(relay, 'GET', '/v1/cht/target', workspace.apiKey);
      expect(shown.body).toMatchObject({ mode: 'rapidpro', apiVersion: 'auto', secretFields: ['apiKey'] });
      expect(JSON.stringify(shown.body)).not.toContain('a-very-secret-cht-key');
      expect((await call(relay, 'DELETE', '/v1/cht/target', workspace.apiKey)).status).toBe(204);
      expect((await call(relay, 'GET', '/v1/cht/target', workspace.apiKey)).status).toBe(404);
    });
  });

  describe('inbound messages to CHT', () => {
    it('saves an MO in CHT once, even when the first POST times out (v1 path, token auth)', async () => {
      const { channel } = await setUp('cht-in', { apiKey: CHT_KEY, apiVersion: 'v1' }, '+254700000103');
      cht.script('save-then-hang');
      const id = await receive(channel, '+254712000201', 'D1 report 42');
      await waitFor(
        () => cht.incomingRequests.filter((r) => r.body.includes(id) && r.status === 400).length > 0,
        {
          timeoutMs: 30_000,
          message: 'the re-delivery CHT refuses as a duplicate',
        },
      );
      const requests = cht.incomingRequests.filter((request) => request.body.includes(id));
      expect(requests.map((request) => request.path)).toEqual([
        '/api/v1/sms/radpidpro/incoming-messages',
        '/api/v1/sms/radpidpro/incoming-messages',
      ]);
      expect(requests[0].authorization).toBe(`Token ${CHT_KEY}`);
      expect(JSON.parse(requests[0].body)).toEqual({ id, from: '+254712000201', content: 'D1 report 42' });
      expect([...cht.saved.keys()].filter((saved) => saved === id)).toHaveLength(1);
      await waitFor(async () => (await metric(/kind="cht-incoming",result="duplicate"/)) >= 1);
      // Treated as done: no third attempt, no dead letter.
      expect(probe.find((m) => JSON.stringify(m.value).includes(id))).toHaveLength(0);
    });

    it('retries while CHT refuses the key (403) or fails (503), then saves it (v2 path)', async () => {
      const { channel } = await setUp('cht-in2', { apiKey: CHT_KEY }, '+254700000104');
      cht.script(403, 503);
      const id = await receive(channel, '+254712000202', 'D2 report 7');
      await waitFor(() => cht.saved.has(id), { timeoutMs: 30_000, message: 'CHT to save the MO' });
      const requests = cht.incomingRequests.filter((request) => request.body.includes(id));
      expect(requests.map((request) => [request.path, request.status])).toEqual([
        ['/api/v2/sms/rapidpro/incoming-messages', 403],
        ['/api/v2/sms/rapidpro/incoming-messages', 503],
        ['/api/v2/sms/rapidpro/incoming-messages', 200],
      ]);
      expect(await metric(/kind="cht-incoming",result="retry"/)).toBeGreaterThanOrEqual(2);
    });

    it('dead-letters a message CHT refuses with 400 when no earlier attempt can have reached it', async () => {
      const { channel } = await setUp('cht-in3', { apiKey: CHT_KEY }, '+254700000109');
      cht.script(403, 400);
      const id = await receive(channel, '+254712000204', 'D3 report');
      const letter = await probe.waitForDeadLetter(id, { timeoutMs: 30_000 });
      expect((letter.value as { reason: string }).reason).toMatch(/CHT refused the message: 400/);
      expect(cht.saved.has(id)).toBe(false);
      expect(cht.incomingRequests.filter((r) => r.body.includes(id)).map((r) => r.status)).toEqual([
        403, 400,
      ]);
    });

    it('does not relay a message bouncing in a loop with one number', async () => {
      const { channel } = await setUp('cht-loop-in', { apiKey: CHT_KEY }, '+254700000105');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          await receive(
            channel,
            '+254712000203',
            'Out of office',
            new Date(Date.now() - i * 1_000).toISOString(),
          ),
        );
      // Messages of one batch are relayed concurrently: which three get through is not fixed, the count is.
      await waitFor(() => ids.filter((id) => cht.saved.has(id)).length === 3, {
        message: 'three to be saved',
      });
      await waitFor(async () => (await metric(/smsgate_cht_message_loops_total\{.*direction="in"/)) >= 2);
      expect(ids.filter((id) => cht.saved.has(id))).toHaveLength(3);
    });
  });

  describe('CHT gateway API mode', () => {
    it('polls CHT, sends its messages once each, reports their progress and hands over MOs', async () => {
      const { channel } = await setUp(
        'cht-gw',
        { mode: 'gateway', username: cht.gatewayUser, password: cht.gatewayPassword },
        '+254700000106',
      );
      const chtId = `cht-${uuidv7()}`;
      cht.queueOutgoing(chtId, '+254712000301', 'Gateway reminder');
      const sent = await sentToAggregator('+254712000301', 'Gateway reminder');
      // CHT serves the message again until it hears of it: still sent once.
      await waitFor(() => cht.outgoing.get(chtId)!.state === 'forwarded-by-gateway', {
        message: 'the PENDING update',
      });
      await receipt(channel, 'sent', sent.id);
      await receipt(channel, 'delivered', sent.id);
      await waitFor(() => cht.outgoing.get(chtId)!.state === 'delivered', {
        message: 'the DELIVERED update',
      });
      expect(aggregator.requests.filter((request) => request.body.includes('Gateway reminder'))).toHaveLength(
        1,
      );
      const reported = cht.gatewayPolls.flatMap((poll) => poll.updates).filter((u) => u.id === chtId);
      expect(reported.map((update) => update.status)).toEqual(
        expect.arrayContaining(['PENDING', 'DELIVERED']),
      );

      // A message CHT cannot have sent (a bad number) is reported FAILED with the reason.
      const badId = `cht-${uuidv7()}`;
      cht.queueOutgoing(badId, 'not a number', 'Nowhere');
      await waitFor(() => cht.outgoing.get(badId)!.state === 'failed', { message: 'the FAILED update' });
      expect(cht.outgoing.get(badId)!.reason).toMatch(/invalid number/);

      const mo = await receive(channel, '+254712000302', 'Gateway MO');
      await waitFor(() => cht.saved.get(mo)?.content === 'Gateway MO', { message: 'the MO in a poll' });
      expect(
        cht.gatewayPolls.flatMap((poll) => poll.messages).filter((m) => JSON.stringify(m).includes(mo)),
      ).toHaveLength(1);
    });
  });

  describe('CHT gateway API mode with a wrong password', () => {
    it('shows why polling fails on the target, without the password', async () => {
      const { workspace } = await setUp(
        'cht-gw-401',
        { mode: 'gateway', username: cht.gatewayUser, password: 'not-the-password' },
        '+254700000110',
      );
      const target = await waitFor(
        async () => {
          const shown = await call(relay, 'GET', '/v1/cht/target', workspace.apiKey);
          return typeof shown.body.lastPollError === 'string' ? shown.body : undefined;
        },
        { message: 'a recorded poll failure' },
      );
      expect(target.lastPollError).toMatch(/CHT answered 401/);
      expect(JSON.stringify(target)).not.toContain('not-the-password');
    });
  });

  describe('smsgate as the aggregator of a RapidPro External API channel', () => {
    it('sends what RapidPro posts once, reports sent and delivered back, and posts MOs to RapidPro', async () => {
      const { workspace, channel } = await setUp('rp-agg', undefined, '+254700000107');
      const rapidProChannel = uuidv7();
      const rapidpro = await FakeRapidPro.start(rapidProChannel);
      try {
        const mapping = await call(relay, 'POST', '/v1/rapidpro/channels', workspace.apiKey, {
          uuid: rapidProChannel,
          rapidproUrl: rapidpro.url,
          sendChannel: channel.uuid,
          inboundChannels: [channel.uuid],
          sendAuthorization: 'Token rp-send-secret',
        });
        expect(mapping.status).toBe(201);
        expect(mapping.body).toMatchObject({
          sendPath: `/rapidpro/${rapidProChannel}/send`,
          secretFields: ['sendAuthorization'],
        });
        expect(JSON.stringify(mapping.body)).not.toContain('rp-send-secret');

        const msgUuid = uuidv7();
        const form = new URLSearchParams({
          uuid: msgUuid,
          text: 'Hello from RapidPro',
          to: '+254712000401',
          to_no_plus: '254712000401',
          from: '+254700000107',
          from_no_plus: '254700000107',
          channel: rapidProChannel,
        }).toString();
        const post = (authorization: string) =>
          fetch(`${relay.url}/rapidpro/${rapidProChannel}/send`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
            body: form,
          });
        expect((await post('Token wrong')).status).toBe(401);
        const first = await post('Token rp-send-secret');
        expect(first.status).toBe(200);
        const second = await post('Token rp-send-secret');
        expect(((await second.json()) as { id: string }).id).toBe(
          ((await first.json()) as { id: string }).id,
        );

        const sent = await sentToAggregator('+254712000401', 'Hello from RapidPro');
        await receipt(channel, 'sent', sent.id);
        await receipt(channel, 'delivered', sent.id);
        await waitFor(() => rapidpro.statuses.some((s) => s.status === 'delivered'), {
          message: 'the delivered callback',
        });
        expect(rapidpro.statuses.map((s) => [s.channel, s.status, s.fields.uuid])).toEqual([
          [rapidProChannel, 'sent', msgUuid],
          [rapidProChannel, 'delivered', msgUuid],
        ]);
        expect(
          aggregator.requests.filter((request) => request.body.includes('Hello from RapidPro')),
        ).toHaveLength(1);

        // A RapidPro channel set to GET sends the fields in the query; one set to PUT, as a body.
        const byGet = await fetch(
          `${relay.url}/rapidpro/${rapidProChannel}/send?` +
            new URLSearchParams({ uuid: uuidv7(), text: 'Hello by GET', to: '+254712000401' }).toString(),
          { headers: { authorization: 'Token rp-send-secret' } },
        );
        expect(byGet.status).toBe(200);
        const byPut = await fetch(`${relay.url}/rapidpro/${rapidProChannel}/send`, {
          method: 'PUT',
          headers: { authorization: 'Token rp-send-secret', 'content-type': 'application/json' },
          body: JSON.stringify({ uuid: uuidv7(), text: 'Hello by PUT', to: '+254712000401' }),
        });
        expect(byPut.status).toBe(200);
        await sentToAggregator('+254712000401', 'Hello by GET');
        await sentToAggregator('+254712000401', 'Hello by PUT');

        rapidpro.failNext(503);
        await receive(channel, '+254712000402', 'Reply to RapidPro', '2026-11-22T10:00:00Z');
        await waitFor(() => rapidpro.received.find((m) => m.text === 'Reply to RapidPro'), {
          timeoutMs: 30_000,
          message: 'the MO at RapidPro after a 503',
        });
        expect(rapidpro.received.filter((m) => m.text === 'Reply to RapidPro')).toEqual([
          {
            channel: rapidProChannel,
            from: '+254712000402',
            text: 'Reply to RapidPro',
            date: '2026-11-22T10:00:00.000Z',
          },
        ]);
      } finally {
        await rapidpro.stop();
      }
    });
  });

  describe('message loops', () => {
    it('stops sending the same text to one number after the limit, with a reason and a metric', async () => {
      const { workspace } = await setUp('cht-loop-out', { apiKey: CHT_KEY }, '+254700000108');
      const statuses: string[] = [];
      for (let i = 0; i < 4; i++) {
        const response = await fetch(`${relay.url}/api/v2/broadcasts.json`, {
          method: 'POST',
          headers: {
            authorization: `Token ${workspace.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': `loop-${i}`,
          },
          body: JSON.stringify({ urns: ['tel:+254712000501'], text: 'Please reply with your ID' }),
        });
        expect(response.status).toBe(201);
        const body = (await response.json()) as { id: number; status: string };
        statuses.push(body.status);
        if (i === 3) {
          const listed = await fetch(`${relay.url}/api/v2/messages.json?broadcast=${body.id}`, {
            headers: { authorization: `Token ${workspace.apiKey}` },
          });
          const { results } = (await listed.json()) as {
            results: { status: string; failed_reason: string }[];
          };
          expect(results[0]).toMatchObject({ status: 'failed', failed_reason: 'message loop detected' });
        }
      }
      expect(statuses).toEqual(['queued', 'queued', 'queued', 'failed']);
      expect(await metric(/smsgate_cht_message_loops_total\{.*direction="out"/)).toBeGreaterThanOrEqual(1);
      await waitFor(
        () => aggregator.requests.filter((r) => r.body.includes('Please reply with your ID')).length === 3,
      );
    });
  });

  it('keeps secrets out of its logs', () => {
    for (const secret of [
      CHT_KEY,
      cht.gatewayPassword,
      'rp-send-secret',
      'a-very-secret-cht-key',
      'not-the-password',
      SECRETS_KEY,
    ])
      expect(relay.output).not.toContain(secret);
  });
});
