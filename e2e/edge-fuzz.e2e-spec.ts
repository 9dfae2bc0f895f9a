import {
  ADMIN_TOKEN,
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  TestWorkspace,
  waitFor,
} from '@smsgate/testing';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Auth, FuzzRequest, FuzzWorld, fuzzRequest, hasReason, RouteSpec } from './support/http-fuzz';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

const authOf = (path: string): Auth =>
  path.startsWith('/v1/workspaces')
    ? 'admin'
    : path.startsWith('/c/') ||
        path.startsWith('/l/') ||
        path.startsWith('/rapidpro/') ||
        path.startsWith('/health')
      ? 'none'
      : path.startsWith('/resources/')
        ? 'imi'
        : path.startsWith('/api/v2/')
          ? 'token'
          : 'workspace';

/** Every public route of every service, from their controllers. */
const routes = (ids: {
  exChannel: string;
  imiChannel: string;
  templateChannel: string;
  message: string;
  rapidpro: string;
  edited: string;
}): RouteSpec[] => {
  const listFields = [
    'status',
    'correlationId',
    'to',
    'channel',
    'since',
    'until',
    'direction',
    'limit',
    'cursor',
  ];
  const ingress = (method: string, path: string, valid?: Record<string, unknown>, fields?: string[]) => ({
    service: 'ingress',
    method,
    path,
    valid,
    fields: fields ?? Object.keys(valid ?? {}),
    auth: authOf(path),
    // Inbound routes mostly get a channel of their type.
    params: path.startsWith('/c/ex/')
      ? { uuid: [ids.exChannel] }
      : path.startsWith('/c/imi/')
        ? { uuid: [ids.imiChannel] }
        : path.startsWith('/c/template/')
          ? { uuid: [ids.templateChannel] }
          : undefined,
  });
  const relay = (method: string, path: string, valid?: Record<string, unknown>, fields?: string[]) => ({
    auth: authOf(path),
    service: 'cht-relay',
    method,
    path,
    valid,
    fields: fields ?? Object.keys(valid ?? {}),
  });
  const imiSend = {
    deliverychannel: 'sms',
    channels: { sms: { text: 'habari', senderid: 'smsgate' } },
    destination: [{ msisdn: ['254712345678'], correlationid: 'c1' }],
    notifyurl: 'https://example.org/imi',
    expiry: '2030-01-01T00:00:00',
    priority: 1,
  };
  return [
    ingress('POST', '/v1/workspaces', { name: 'fuzz' }),
    ingress('POST', '/v1/workspaces/:id/api-key'),
    ingress('POST', '/v1/workspaces/:id/signing-secret'),
    ingress('POST', '/v1/channels', {
      type: 'ex',
      name: 'fuzz',
      country: 'KE',
      config: { send_url: 'https://aggregator.example/send' },
      secrets: { send_authorization: 'x' },
    }),
    ingress('GET', '/v1/channels'),
    { ...ingress('GET', '/v1/channels/:uuid'), params: { uuid: [ids.edited, ids.exChannel] } },
    {
      ...ingress('PATCH', '/v1/channels/:uuid', { name: 'renamed', enabled: true, address: '+254700000001' }),
      params: { uuid: [ids.edited] },
    },
    { ...ingress('DELETE', '/v1/channels/:uuid'), params: { uuid: [ids.edited] } },
    ingress('GET', '/c/ex/:uuid/receive', undefined, ['from', 'sender', 'text', 'date', 'time']),
    ingress('POST', '/c/ex/:uuid/receive', {
      from: '+254712345678',
      text: 'habari',
      date: '2026-11-22T10:15:00Z',
    }),
    ingress('GET', '/c/ex/:uuid/:action', undefined, ['id', 'from']),
    ingress('POST', '/c/ex/:uuid/:action', { id: ids.message, from: '+254712345678' }),
    ingress('POST', '/c/imi/:uuid/receive', {
      oa: '254712345678',
      message: 'habari',
      tid: 't1',
      ts: 1_795_000_000_000,
    }),
    ingress('POST', '/c/imi/:uuid/status', {
      deliveryInfoNotification: {
        correlationid: ids.message,
        transid: 't1',
        deliveryInfo: { code: '7500', deliveryStatus: 'Delivered', timeStamp: '2026-11-22T10:15:00Z' },
      },
    }),
    ingress('POST', '/c/template/:uuid/:event', {
      method: 'message',
      params: {
        from: '+254712345678',
        to: '+254700000001',
        content: 'habari',
        messageid: 'm1',
        status: 'DELIVRD',
      },
    }),
    ingress('POST', '/c/template/:uuid', {
      method: 'file',
      params: { from: '+254712345678', text: 'picha', url: 'https://example.org/a.jpg' },
    }),
    ingress('POST', '/v1/messages', {
      to: ['+254712345678', { to: '0712345679', variables: { name: 'Amina' } }],
      text: 'Hi $(name)',
      variables: { name: 'friend' },
      correlationId: 'fuzz',
      notifyUrl: 'https://example.org/hook',
      expiresAt: '2030-01-01T00:00:00Z',
      priority: 'high',
      metadata: { k: 'v' },
    }),
    ingress('GET', '/v1/messages', undefined, listFields),
    ingress('POST', '/resources/v1/messaging', imiSend),
    ingress('POST', '/v1/routes', { country: 'KE', channels: [ids.exChannel] }),
    ingress('GET', '/v1/routes'),
    ingress('DELETE', '/v1/routes/:id'),
    ingress('POST', '/v1/smartlinks', { linkid: 5, url: 'https://example.org/offer' }),
    ingress('GET', '/v1/smartlinks'),
    ingress('GET', '/v1/smartlinks/:linkid'),
    ingress('PUT', '/v1/smartlinks/:linkid', { url: 'https://example.org/offer' }),
    ingress('DELETE', '/v1/smartlinks/:linkid'),
    ingress('GET', '/l/:code'),
    ingress('GET', '/health/ready'),
    relay('PUT', '/v1/cht/target', {
      url: 'https://cht.example.org',
      apiKey: 'cht-key',
      mode: 'rapidpro',
      apiVersion: 'v2',
      apiRatePerMinute: 1_000_000,
    }),
    relay('GET', '/v1/cht/target'),
    relay('DELETE', '/v1/cht/target'),
    relay('POST', '/v1/rapidpro/channels', {
      uuid: randomUUID(),
      rapidproUrl: 'https://rapidpro.example.org',
      inboundChannels: [ids.exChannel],
    }),
    relay('GET', '/v1/rapidpro/channels'),
    // Deletes a mapping the fuzzer made, or none: the send route keeps the fixture's.
    { ...relay('DELETE', '/v1/rapidpro/channels/:uuid'), params: { uuid: [randomUUID()] } },
    relay('POST', '/api/v2/broadcasts.json', { urns: ['tel:+254712345678'], text: 'habari' }),
    relay('GET', '/api/v2/messages.json', undefined, ['broadcast', 'id', 'uuid']),
    relay('POST', '/rapidpro/:channelUuid/send', { id: '42', text: 'habari', to: '+254712345678' }),
    { service: 'dlr-tracker', method: 'GET', path: '/v1/messages/:id', auth: 'workspace' },
    { service: 'dlr-tracker', method: 'GET', path: '/v1/messages', fields: listFields, auth: 'workspace' },
    {
      service: 'dlr-tracker',
      method: 'GET',
      path: '/v1/stats',
      fields: ['since', 'until'],
      auth: 'workspace',
    },
    { service: 'smpp-binds', method: 'GET', path: '/v1/binds', auth: 'admin' },
  ];
};

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(request: FuzzRequest): Promise<Answer> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** Message ids ingress accepted, read from its answers, to check that each one was stored. */
function acceptedIds(request: FuzzRequest, answer: Answer): string[] {
  if (answer.status >= 300 || !answer.contentType.includes('json') || request.service !== 'ingress')
    return [];
  if (request.method === 'HEAD' || answer.text === '') return [];
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  const list = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
  return [
    ...list(body.messages).map((m) => (m.status === 'accepted' ? m.id : undefined)),
    ...list(body.response).map((r) => (r.code === '1001' ? r.transid : undefined)),
    ...list(body.data).map((d) => d.msg_uuid),
    request.url.includes('/c/imi/') || request.url.includes('/c/template/') ? body.id : undefined,
  ].filter((id): id is string => typeof id === 'string');
}

/**
 * Random requests to every public route of every service, running as processes on real Kafka and
 * PostgreSQL: any method, path parameters, query, content type (JSON, urlencoded, multipart with and
 * without a boundary, text, garbage), body (NUL, lone surrogates, wrong types, deep nesting, long
 * strings), with and without valid credentials. No answer is a 5xx, every error is JSON with a reason,
 * no service dies, and every message ingress accepted is stored (none dead-lettered for its content).
 * A failure prints fast-check's seed and path: FUZZ_SEED=<seed> FUZZ_PATH=<path> replays it.
 */
describe('edge fuzz: no 5xx from any public route', () => {
  const services: Record<string, ServiceProcess> = {};
  let workspace: TestWorkspace;
  let world: FuzzWorld;
  let specs: RouteSpec[];
  let exChannel: string;

  beforeAll(async () => {
    const common = serviceEnv({ CONFIG_CACHE_MS: '0' });
    const [tracker, relay, smppBinds] = await Promise.all([
      startInFreshGroup('dlr-tracker', 'dlr-tracker-fuzz', common),
      startInFreshGroup('cht-relay', 'cht-relay-fuzz', common),
      startInFreshGroup('smpp-binds', 'smpp-binds-fuzz', common),
    ]);
    const ingress = await ServiceProcess.start('ingress', { ...common, MESSAGES_API_URL: tracker.url });
    Object.assign(services, { ingress, 'dlr-tracker': tracker, 'cht-relay': relay, 'smpp-binds': smppBinds });

    workspace = await createWorkspace(ingress.url, 'edge fuzz');
    // Rotating keys is fuzzed on a workspace of its own: the fuzzer's key keeps working.
    const victim = await createWorkspace(ingress.url, 'edge fuzz victim');
    // The channel routes edit, disable and delete a channel of their own; the inbound ones keep theirs.
    const [ex, imi, template, edited] = await Promise.all(
      (['ex', 'imi', 'template', 'ex'] as const).map((type) =>
        createChannel(ingress.url, workspace.apiKey, { type }),
      ),
    );
    const sent = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+254712345678', text: 'fixture' }),
    });
    const message = ((await sent.json()) as { messages: { id: string }[] }).messages[0].id;
    exChannel = ex.uuid;
    const rapidpro = randomUUID();
    const mapped = await fetch(`${relay.url}/v1/rapidpro/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ uuid: rapidpro, rapidproUrl: 'https://rapidpro.example.org' }),
    });
    expect(mapped.status).toBe(201);
    specs = routes({
      exChannel: ex.uuid,
      imiChannel: imi.uuid,
      templateChannel: template.uuid,
      message,
      rapidpro,
      edited: edited.uuid,
    });
    world = {
      urls: Object.fromEntries(Object.entries(services).map(([name, service]) => [name, service.url])),
      apiKey: workspace.apiKey,
      adminToken: ADMIN_TOKEN,
      ids: {
        uuid: [ex.uuid, imi.uuid, template.uuid, edited.uuid, rapidpro],
        id: [victim.id, message],
        action: ['sent', 'delivered', 'failed', 'stopped', 'receive'],
        event: ['message', 'file', 'delivered', 'dlr'],
        channelUuid: [rapidpro],
      },
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
  });

  it("refuses the inputs the fault run found, each with a 400 naming the field in its route's shape", async () => {
    const call = async (service: string, path: string, init: RequestInit) => {
      const response = await fetch(`${world.urls[service]}${path}`, init);
      return { status: response.status, body: await response.json() };
    };
    const json = (auth: Record<string, string>, body: unknown): RequestInit => ({
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const bearer = { authorization: `Bearer ${workspace.apiKey}` };
    const nul = 'must not contain NUL (U+0000) or an unpaired UTF-16 surrogate';

    expect(
      await call('ingress', '/v1/messages', json(bearer, { to: '+254712345678', text: 'a\u0000b' })),
    ).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: `text: ${nul}`, field: 'text' },
    });
    expect(
      await call('ingress', '/v1/messages', json(bearer, { to: '+254712345678', text: 'a\ud800' })),
    ).toEqual({
      status: 400,
      body: expect.objectContaining({ field: 'text' }),
    });
    expect(
      await call('ingress', `/c/ex/${exChannel}/receive`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'from=%2B254712345678&text=in%00nul',
      }),
    ).toEqual({ status: 400, body: { message: 'Error', data: [{ type: 'error', error: `text: ${nul}` }] } });
    expect(
      await call('ingress', `/c/ex/${exChannel}/receive`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data' },
        body: 'from=%2B254712345678&text=hi',
      }),
    ).toEqual({
      status: 400,
      body: {
        message: 'Error',
        data: [{ type: 'error', error: expect.stringMatching(/^malformed multipart/) }],
      },
    });
    expect(
      await call(
        'ingress',
        '/v1/workspaces',
        json({ authorization: `Bearer ${ADMIN_TOKEN}` }, { name: 'a\u0000' }),
      ),
    ).toMatchObject({ status: 400, body: { field: 'name' } });
    expect(
      await call('ingress', '/v1/channels', json(bearer, { type: 'ex', name: 'n\u0000', config: {} })),
    ).toMatchObject({ status: 400, body: { field: 'name' } });
    const imiSend = (text: string) =>
      call(
        'ingress',
        '/resources/v1/messaging',
        json(
          { key: workspace.apiKey },
          { channels: { sms: { text } }, destination: [{ msisdn: ['254712345678'] }] },
        ),
      );
    expect(await imiSend('x\u0000')).toEqual({
      status: 400,
      body: { response: [{ code: '7003', description: `channels.sms.text: ${nul}` }] },
    });
    expect(await imiSend('x'.repeat(10_001))).toEqual({
      status: 400,
      body: { response: [{ code: '7003', description: "param 'text' is longer than 10000 characters" }] },
    });
    expect(
      await call(
        'cht-relay',
        '/api/v2/broadcasts.json',
        json(
          { authorization: `Token ${workspace.apiKey}` },
          { urns: ['tel:+254712345678'], text: 'a\u0000' },
        ),
      ),
    ).toEqual({ status: 400, body: { detail: `text: ${nul}` } });
    expect(
      await call('cht-relay', '/v1/cht/target', {
        ...json(bearer, { url: 'not a url', apiKey: 'k' }),
        method: 'PUT',
      }),
    ).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^url: /) } });
    expect(
      await call(
        'cht-relay',
        '/v1/rapidpro/channels',
        json(bearer, { uuid: randomUUID(), rapidproUrl: 'x' }),
      ),
    ).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^rapidproUrl: /) } });
    expect(await call('dlr-tracker', '/v1/messages?to=%2B1%00', { headers: bearer })).toMatchObject({
      status: 400,
      body: { field: 'query parameter to' },
    });
  });

  it(`answers ${RUNS} random requests without a 5xx, each error JSON with a reason`, async () => {
    const accepted: string[] = [];
    const answered = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fuzzRequest(specs, world), async (request) => {
        const answer = await send(request);
        const where = `${request.method} ${request.url} (${request.route}) → ${answer.status} ${answer.text.slice(0, 300)}`;
        if (answer.status >= 500) throw new Error(`5xx: ${where}`);
        // A short URL is opened by a handset's browser: its 404 and 410 are a line of text (a path that
        // resolves elsewhere, `/l/..`, gets the router's JSON 404 like any unknown URL).
        if (
          answer.status >= 400 &&
          request.method !== 'HEAD' &&
          answer.contentType.startsWith('text/plain')
        ) {
          if (request.route !== 'GET /l/:code' || !answer.text.trim()) throw new Error(`bad: ${where}`);
        } else if (answer.status >= 400 && request.method !== 'HEAD') {
          if (!answer.contentType.includes('application/json')) throw new Error(`error not JSON: ${where}`);
          if (!hasReason(JSON.parse(answer.text))) throw new Error(`error without a reason: ${where}`);
        }
        accepted.push(...acceptedIds(request, answer));
        const key = `${request.route} ${answer.status}`;
        answered.set(key, (answered.get(key) ?? 0) + 1);
      }),
      {
        numRuns: RUNS,
        seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined,
        path: process.env.FUZZ_PATH,
      },
    );

    // FUZZ_STATS=1 prints how often each route answered each status: what the fuzzer reached.
    if (process.env.FUZZ_STATS)
      console.log(
        [...answered]
          .sort()
          .map(([key, n]) => `${n}\t${key}`)
          .join('\n'),
      );

    for (const [name, service] of Object.entries(services)) {
      const live = await fetch(`${service.url}/health/live`).catch(() => undefined);
      expect({ name, live: live?.status }).toEqual({ name, live: 200 });
      const lines = service.output.split('\n');
      expect({
        name,
        errors: lines.filter((line) => line.includes('"level":"error"') && line.includes('"context":"http"')),
      }).toEqual({
        name,
        errors: [],
      });
    }

    // Accepted means stored: none of them was dead-lettered for what it carries.
    const tracker = services['dlr-tracker'];
    for (const id of accepted) {
      await waitFor(
        async () =>
          (
            await fetch(`${tracker.url}/v1/messages/${id}`, {
              headers: { authorization: `Bearer ${workspace.apiKey}` },
            })
          ).status === 200,
        { timeoutMs: 30_000, message: `accepted message ${id} to be stored` },
      );
    }
  });
});
