import { verifySmppPassword } from '@smsgate/auth';
import { createChannel, createWorkspace, serviceEnv, ServiceProcess, TestWorkspace } from '@smsgate/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

interface Answer {
  status: number;
  body: Record<string, unknown> & { message?: string };
}

/** SMPP accounts over ingress's admin API: what ESMEs will bind to smsgate's SMPP server with. */
describe('SMPP accounts API', () => {
  let ingress: ServiceProcess;
  let db: Client;
  let workspace: TestWorkspace;
  /** Every answer's text, to check that none holds a password hash. */
  const answers: string[] = [];

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    [ingress] = await Promise.all([ServiceProcess.start('ingress', serviceEnv()), db.connect()]);
    workspace = await createWorkspace(ingress.url, 'e2e smpp accounts');
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), db?.end()]);
  });

  async function call(method: string, path: string, body?: unknown, key = workspace.apiKey): Promise<Answer> {
    const response = await fetch(`${ingress.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
  }

  // system_ids are unique across smsgate; a run must not meet the last run's.
  const systemId = (prefix = 'e2e') => `${prefix}-${randomBytes(4).toString('hex')}`;

  const storedHash = async (id: string): Promise<string> => {
    const { rows } = await db.query<{ password_hash: string }>(
      'SELECT password_hash FROM smpp_accounts WHERE id = $1',
      [id],
    );
    return rows[0].password_hash;
  };

  it('creates, lists, reads, changes, rotates the password of and deletes an account', async () => {
    const channel = await createChannel(ingress.url, workspace.apiKey, { type: 'smpp' });
    const name = systemId('app');
    const created = await call('POST', '/v1/smpp-accounts', {
      systemId: name,
      bindModes: ['transceiver', 'transmitter'],
      maxBinds: 3,
      allowedSources: ['MOH-KENYA', '+254700100200'],
      tps: 12.5,
      channel: channel.uuid,
      inboundAddresses: ['22141', '+254700100200'],
      inboundChannels: [channel.uuid],
    });
    expect(created.status).toBe(201);
    const { password, ...account } = created.body;
    expect(account).toEqual({
      id: expect.any(String),
      systemId: name,
      bindModes: ['transmitter', 'transceiver'],
      maxBinds: 3,
      allowedSources: ['MOH-KENYA', '+254700100200'],
      tps: 12.5,
      channel: channel.uuid,
      inboundAddresses: ['22141', '+254700100200'],
      inboundChannels: [channel.uuid],
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(password).toMatch(/^[A-Za-z2-9]{8}$/);
    const id = account.id as string;

    // Kept as a slow hash of the password shown, never the password itself.
    const hash = await storedHash(id);
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(hash).not.toContain(password as string);
    expect(await verifySmppPassword(password as string, hash)).toBe(true);

    expect(await call('GET', '/v1/smpp-accounts')).toEqual({ status: 200, body: { results: [account] } });
    expect(await call('GET', `/v1/smpp-accounts/${id}`)).toEqual({ status: 200, body: account });

    const changed = await call('PATCH', `/v1/smpp-accounts/${id}`, {
      systemId: `${name}-b`,
      maxBinds: 1,
      tps: null,
      channel: null,
      inboundAddresses: ['22142'],
      inboundChannels: [],
      enabled: false,
    });
    expect(changed).toEqual({
      status: 200,
      body: {
        ...account,
        systemId: `${name}-b`,
        maxBinds: 1,
        tps: null,
        channel: null,
        inboundAddresses: ['22142'],
        inboundChannels: [],
        enabled: false,
        updatedAt: expect.any(String),
      },
    });
    expect(await call('GET', `/v1/smpp-accounts/${id}`)).toEqual(changed);
    expect(await storedHash(id)).toBe(hash);

    const rotated = await call('POST', `/v1/smpp-accounts/${id}/password`);
    expect(rotated).toEqual({
      status: 201,
      body: { id, systemId: `${name}-b`, password: expect.stringMatching(/^[A-Za-z2-9]{8}$/) },
    });
    const newHash = await storedHash(id);
    expect(newHash).not.toBe(hash);
    expect(await verifySmppPassword(rotated.body.password as string, newHash)).toBe(true);
    expect(await verifySmppPassword(password as string, newHash)).toBe(false);

    expect((await call('DELETE', `/v1/smpp-accounts/${id}`)).status).toBe(204);
    expect((await call('GET', `/v1/smpp-accounts/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/v1/smpp-accounts/${id}`)).status).toBe(404);
    expect((await call('POST', `/v1/smpp-accounts/${id}/password`)).status).toBe(404);
    expect(await call('GET', '/v1/smpp-accounts')).toEqual({ status: 200, body: { results: [] } });
  });

  it('fills in the defaults', async () => {
    const name = systemId();
    const created = await call('POST', '/v1/smpp-accounts', { systemId: name });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      systemId: name,
      bindModes: ['transmitter', 'receiver', 'transceiver'],
      maxBinds: 2,
      allowedSources: [],
      tps: null,
      channel: null,
      inboundAddresses: [],
      inboundChannels: [],
      enabled: true,
    });
  });

  it('answers 409 for a systemId another account has, in this workspace or another', async () => {
    const name = systemId();
    const first = await call('POST', '/v1/smpp-accounts', { systemId: name });
    expect(first.status).toBe(201);

    const again = await call('POST', '/v1/smpp-accounts', { systemId: name });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(name);

    const other = await createWorkspace(ingress.url, 'e2e smpp accounts other');
    expect((await call('POST', '/v1/smpp-accounts', { systemId: name }, other.apiKey)).status).toBe(409);

    const second = await call('POST', '/v1/smpp-accounts', { systemId: systemId() });
    const renamed = await call('PATCH', `/v1/smpp-accounts/${second.body.id as string}`, {
      systemId: name,
      maxBinds: 9,
    });
    expect(renamed.status).toBe(409);
    expect((await call('GET', `/v1/smpp-accounts/${second.body.id as string}`)).body).toMatchObject({
      systemId: second.body.systemId,
      maxBinds: 2,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no systemId', { systemId: undefined }, 'systemId'],
    ['a systemId of 16 characters', { systemId: 'abcdefghijklmnop' }, 'systemId'],
    ['a systemId with a space', { systemId: 'my app' }, 'systemId'],
    ['a systemId that is not ASCII', { systemId: 'clínica' }, 'systemId'],
    ['no bind mode', { bindModes: [] }, 'bindModes'],
    ['a bind mode that is not one', { bindModes: ['outbind'] }, 'bindModes'],
    ['maxBinds of 0', { maxBinds: 0 }, 'maxBinds'],
    ['maxBinds over 100', { maxBinds: 101 }, 'maxBinds'],
    ['101 sources', { allowedSources: Array.from({ length: 101 }, (_, i) => `S${i}`) }, 'allowedSources'],
    ['a source of 21 characters', { allowedSources: ['1'.repeat(21)] }, 'allowedSources'],
    ['an empty source', { allowedSources: [''] }, 'allowedSources'],
    ['a tps of 0', { tps: 0 }, 'tps'],
    ['a negative tps', { tps: -5 }, 'tps'],
    ['a channel that is not a UUID', { channel: 'smsc-1' }, 'channel'],
    ['an enabled that is not a boolean', { enabled: 'yes' }, 'enabled'],
    ['a password of its own', { password: 'mine1234' }, 'password'],
    ['a password hash', { passwordHash: 'scrypt$1$1$1$a$b' }, 'passwordHash'],
  ])('answers 400 to a create with %s, naming the field', async (_label, fields, field) => {
    const answer = await call('POST', '/v1/smpp-accounts', { systemId: systemId(), ...fields });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(field);
  });

  it('answers 400 to a body that is not a JSON object', async () => {
    expect((await call('POST', '/v1/smpp-accounts', ['x'])).status).toBe(400);
    const response = await fetch(`${ingress.url}/v1/smpp-accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: '{"systemId":',
    });
    answers.push(await response.clone().text());
    expect(response.status).toBe(400);
  });

  it("answers 400 for a channel that is not the workspace's, or is deleted", async () => {
    const other = await createWorkspace(ingress.url, 'e2e smpp accounts foreign');
    const foreign = await createChannel(ingress.url, other.apiKey);
    const own = await createChannel(ingress.url, workspace.apiKey);
    const deleted = await createChannel(ingress.url, workspace.apiKey);
    expect((await call('DELETE', `/v1/channels/${deleted.uuid}`)).status).toBe(204);

    for (const channel of [foreign.uuid, deleted.uuid, '0193a7c4-0000-7000-8000-000000000000']) {
      const answer = await call('POST', '/v1/smpp-accounts', { systemId: systemId(), channel });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe(`unknown channel ${channel}`);
    }

    const created = await call('POST', '/v1/smpp-accounts', { systemId: systemId(), channel: own.uuid });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await call('PATCH', `/v1/smpp-accounts/${id}`, { channel: foreign.uuid });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toBe(`unknown channel ${foreign.uuid}`);
    expect((await call('GET', `/v1/smpp-accounts/${id}`)).body.channel).toBe(own.uuid);

    for (const inboundChannels of [[foreign.uuid], [own.uuid, deleted.uuid]]) {
      const answer = await call('PATCH', `/v1/smpp-accounts/${id}`, { inboundChannels });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe(`unknown inbound channel ${inboundChannels.at(-1)}`);
    }
    const inbound = await call('POST', '/v1/smpp-accounts', {
      systemId: systemId(),
      inboundChannels: [foreign.uuid],
    });
    expect(inbound.status).toBe(400);
    expect(inbound.body.message).toBe(`unknown inbound channel ${foreign.uuid}`);
    expect((await call('GET', `/v1/smpp-accounts/${id}`)).body.inboundChannels).toEqual([]);

    // Its channel deleted, the account falls back to the workspace's routes.
    expect((await call('DELETE', `/v1/channels/${own.uuid}`)).status).toBe(204);
    expect((await call('GET', `/v1/smpp-accounts/${id}`)).body.channel).toBeNull();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty systemId', { systemId: '' }, 'systemId'],
    ['no bind mode', { bindModes: [] }, 'bindModes'],
    ['maxBinds over 100', { maxBinds: 101 }, 'maxBinds'],
    ['a tps of 0', { tps: 0 }, 'tps'],
    ['a null enabled', { enabled: null }, 'enabled'],
    ['a password', { password: 'abcdefgh' }, 'password'],
    ['an inbound address with a space', { inboundAddresses: ['221 41'] }, 'inboundAddresses'],
    ['an inbound channel that is no UUID', { inboundChannels: ['sms'] }, 'inboundChannels'],
  ])('answers 400 to a change with %s, and changes nothing', async (_label, fields, field) => {
    const created = await call('POST', '/v1/smpp-accounts', { systemId: systemId() });
    const id = created.body.id as string;
    const answer = await call('PATCH', `/v1/smpp-accounts/${id}`, fields);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(field);
    const { password: _password, ...account } = created.body;
    expect((await call('GET', `/v1/smpp-accounts/${id}`)).body).toEqual(account);
  });

  it("answers 404 for an id that is not one of the workspace's accounts, and touches nothing", async () => {
    const created = await call('POST', '/v1/smpp-accounts', { systemId: systemId() });
    const id = created.body.id as string;
    const hash = await storedHash(id);
    const other = await createWorkspace(ingress.url, 'e2e smpp accounts stranger');

    for (const path of [`/v1/smpp-accounts/${id}`, '/v1/smpp-accounts/not-a-uuid']) {
      expect((await call('GET', path, undefined, other.apiKey)).status).toBe(404);
      expect((await call('PATCH', path, { enabled: false }, other.apiKey)).status).toBe(404);
      expect((await call('POST', `${path}/password`, undefined, other.apiKey)).status).toBe(404);
      expect((await call('DELETE', path, undefined, other.apiKey)).status).toBe(404);
    }
    expect(await call('GET', '/v1/smpp-accounts', undefined, other.apiKey)).toEqual({
      status: 200,
      body: { results: [] },
    });
    expect((await call('GET', `/v1/smpp-accounts/${id}`)).body.enabled).toBe(true);
    expect(await storedHash(id)).toBe(hash);
  });

  it('answers 401 without the workspace key', async () => {
    expect((await call('GET', '/v1/smpp-accounts', undefined, 'sg_wrong')).status).toBe(401);
    expect((await call('POST', '/v1/smpp-accounts', { systemId: systemId() }, 'sg_wrong')).status).toBe(401);
  });

  it('never answers a password hash, and logs neither passwords nor hashes', async () => {
    await call('POST', '/v1/smpp-accounts', { systemId: systemId() });
    await call('GET', '/v1/smpp-accounts');
    const { rows } = await db.query<{ password_hash: string }>(
      'SELECT a.password_hash FROM smpp_accounts a JOIN workspaces w ON w.id = a.workspace_id WHERE w.id = $1',
      [workspace.id],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(answers.length).toBeGreaterThan(20);
    for (const text of answers) {
      expect(text).not.toMatch(/scrypt\$\d/);
      expect(keysOf(text ? JSON.parse(text) : {}).filter((key) => /hash/i.test(key))).toEqual([]);
      for (const { password_hash } of rows) expect(text).not.toContain(password_hash.split('$')[5]);
    }
    const passwords = answers.flatMap((text) => [...text.matchAll(/"password":"([^"]+)"/g)].map((m) => m[1]));
    expect(passwords.length).toBeGreaterThan(3);
    for (const secret of [...passwords, ...rows.map((row) => row.password_hash.split('$')[5])]) {
      expect(ingress.output).not.toContain(secret);
    }
  });
});

/** Every key of a JSON value, nested ones too. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, nested]) => [key, ...keysOf(nested)]);
}
