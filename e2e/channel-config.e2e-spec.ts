import {
  createWorkspace,
  ringotelTemplate,
  serviceEnv,
  ServiceProcess,
  TestWorkspace,
} from '@smsgate/testing';

interface Refusal {
  statusCode: number;
  message: string;
  problems: string[];
}

/**
 * Channel config is checked when the channel is saved, type by type, so a broken channel is refused
 * with the path of each problem instead of failing every message it would send.
 */
describe('channel config checked on save', () => {
  let ingress: ServiceProcess;
  let workspace: TestWorkspace;

  beforeAll(async () => {
    ingress = await ServiceProcess.start('ingress', serviceEnv());
    workspace = await createWorkspace(ingress.url, 'e2e channel config');
  });

  afterAll(async () => {
    await ingress?.stop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${ingress.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
  };
  const create = (body: Record<string, unknown>) => call('POST', '/v1/channels', { name: 'e2e', ...body });

  const template = (sendMessage: Record<string, unknown> = {}) =>
    ringotelTemplate('https://api.example.com/v1/messages', sendMessage, { auth: { type: 'bearer' } });

  it('refuses an ex channel with a bad method, naming config.method', async () => {
    const response = await create({
      type: 'ex',
      config: { send_url: 'https://aggregator.example/send', method: 'DELETE' },
      secrets: { send_authorization: 'Token hunter2-auth' },
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      statusCode: 400,
      message: 'config.method: must be GET, POST or PUT',
      problems: ['config.method: must be GET, POST or PUT'],
    });
    expect(response.text).not.toContain('hunter2');
  });

  it('refuses an ex key nothing would read, naming it, and saves the courier keys it reads', async () => {
    const refused = await create({
      type: 'ex',
      config: { send_url: 'https://aggregator.example/send', mo_respons: '<ok/>' },
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      message: expect.stringMatching(/^config\.mo_respons: is not a setting of ex channels/),
    });
    const alone = await create({
      type: 'ex',
      config: { send_url: 'https://aggregator.example/send', from_xpath: '//from' },
    });
    expect(alone.status).toBe(400);
    expect(alone.json).toMatchObject({
      message: expect.stringMatching(/^config\.text_xpath: is required too/),
    });
    const saved = await create({
      type: 'ex',
      config: {
        send_url: 'https://aggregator.example/send',
        use_national: true,
        encoding: 'S',
        from_xpath: '//from',
        text_xpath: '//text',
        mo_response: '<ok/>',
      },
    });
    expect(saved.status).toBe(201);
  });

  it('refuses a secret the channel never reads, naming it and the secrets it does read', async () => {
    const response = await create({
      type: 'ex',
      config: { send_url: 'https://aggregator.example/send' },
      secrets: { send_authorization: 'Token hunter2-auth', password: 'hunter2-pw' },
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      problems: [
        'secrets.password: is not read by this ex channel (its secrets: send_authorization): leave it out',
      ],
    });
    expect(response.text).not.toContain('hunter2');
  });

  it('refuses a template with an unknown placeholder, naming its JSON path', async () => {
    const response = await create({
      type: 'template',
      config: template({ request_parameters: { from: '$from$', to: '$to$', extension: '$extension$' } }),
      secrets: { token: 'hunter2-token' },
    });
    expect(response.status).toBe(400);
    const { message, problems } = response.json as unknown as Refusal;
    expect(problems).toEqual([
      expect.stringMatching(
        /^config\.API\.SendMessage\.request_parameters\.extension: unknown placeholder \$extension\$/,
      ),
    ]);
    expect(message).toBe(problems.join('; '));
    expect(response.text).not.toContain('hunter2');
  });

  it('saves a good template, and a PATCH that breaks it is refused with the channel unchanged', async () => {
    const created = await create({
      type: 'template',
      config: { ...template(), tps: 5 },
      secrets: { token: 'hunter2-token' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ type: 'template', secretFields: ['token'] });
    const path = `/v1/channels/${created.json.uuid as string}`;

    const broken = await call('PATCH', path, {
      name: 'renamed',
      config: template({ request_method: 'PATCH' }),
    });
    expect(broken.status).toBe(400);
    expect((broken.json as unknown as Refusal).problems).toEqual([
      'config.API.SendMessage.request_method: must be GET, POST or PUT',
    ]);
    const withoutToken = await call('PATCH', path, { secrets: { token: null } });
    expect(withoutToken.status).toBe(400);
    expect((withoutToken.json as unknown as Refusal).problems).toEqual(['secrets.token: is required']);

    const stored = await call('GET', path);
    expect(stored.json).toEqual(created.json);

    const fixed = await call('PATCH', path, { config: template({ request_method: 'put' }) });
    expect(fixed.status).toBe(200);
    expect(fixed.json).toMatchObject({ config: template({ request_method: 'put' }) });
  });

  it('refuses an smpp channel without its password, naming secrets.password', async () => {
    const config = { host: 'smsc.example.com', port: 2775, system_id: 'smsgate', bind: 'transceiver' };
    const response = await create({ type: 'smpp', config });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ statusCode: 400, problems: ['secrets.password: is required'] });
    expect((await create({ type: 'smpp', config, secrets: { password: 'pw' } })).status).toBe(201);
  });

  it('refuses a tps that is not a positive number, whatever the type', async () => {
    const response = await create({
      type: 'imi',
      config: { tps: '10' },
      secrets: { service_key: 'hunter2-key' },
    });
    expect(response.status).toBe(400);
    expect((response.json as unknown as Refusal).problems).toEqual(['config.tps: must be a number']);
  });

  it('checks the receipt timeout when saved and shows the one in force: 48 h by default, null when off', async () => {
    const config = { host: 'smsc.example.com', system_id: 'smsgate' };
    const refused = await create({
      type: 'smpp',
      config: { ...config, receipt_timeout_seconds: -5 },
      secrets: { password: 'pw' },
    });
    expect(refused.status).toBe(400);
    expect((refused.json as unknown as Refusal).problems).toEqual([
      'config.receipt_timeout_seconds: must be at least 0 (0: never time out)',
    ]);
    const created = await create({ type: 'smpp', config, secrets: { password: 'pw' } });
    expect(created.json).toMatchObject({ receiptTimeoutSeconds: 172_800 });
    const path = `/v1/channels/${created.json.uuid as string}`;
    const shortened = await call('PATCH', path, { config: { ...config, receipt_timeout_seconds: 600 } });
    expect(shortened.json).toMatchObject({ receiptTimeoutSeconds: 600 });
    const off = await call('PATCH', path, { config: { ...config, receipt_timeout_seconds: 0 } });
    expect(off.json).toMatchObject({ receiptTimeoutSeconds: null });
    expect((await call('GET', path)).json).toMatchObject({ receiptTimeoutSeconds: null });
  });
});
