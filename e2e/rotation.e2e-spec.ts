import { ADMIN_TOKEN, createWorkspace, serviceEnv, ServiceProcess, TestWorkspace } from '@smsgate/testing';
import { randomUUID } from 'node:crypto';

/** The admin API replaces a workspace's API key or callback signing secret (docs/operations.md). */
describe('rotating a workspace API key and signing secret', () => {
  let ingress: ServiceProcess;

  beforeAll(async () => {
    ingress = await ServiceProcess.start('ingress', serviceEnv());
  });

  afterAll(async () => {
    await ingress?.stop();
  });

  const admin = (path: string, token = ADMIN_TOKEN) =>
    fetch(`${ingress.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const channels = (apiKey: string) =>
    fetch(`${ingress.url}/v1/channels`, { headers: { authorization: `Bearer ${apiKey}` } });

  it('issues a new key that works at once; the old one is refused', async () => {
    const workspace = await createWorkspace(ingress.url, 'e2e rotation');
    const response = await admin(`/v1/workspaces/${workspace.id}/api-key`);
    expect(response.status).toBe(201);
    const { id, apiKey } = (await response.json()) as { id: string; apiKey: string };
    expect(id).toBe(workspace.id);
    expect(apiKey).toMatch(/^sg_/);
    expect(apiKey).not.toBe(workspace.apiKey);
    expect((await channels(apiKey)).status).toBe(200);
    expect((await channels(workspace.apiKey)).status).toBe(401);
    expect(ingress.output).not.toContain(apiKey);
  });

  it('replaces the signing secret, shown once', async () => {
    const workspace = (await createWorkspace(ingress.url, 'e2e rotation')) as TestWorkspace & {
      signingSecret: string;
    };
    const response = await admin(`/v1/workspaces/${workspace.id}/signing-secret`);
    expect(response.status).toBe(201);
    const { signingSecret } = (await response.json()) as { signingSecret: string };
    expect(signingSecret).toMatch(/^whsec_/);
    expect(signingSecret).not.toBe(workspace.signingSecret);
  });

  it('lists every workspace oldest first with the start of its current key, never a key or secret', async () => {
    const first = await createWorkspace(ingress.url, 'e2e list, first');
    const second = await createWorkspace(ingress.url, 'e2e list, second');
    const rotated = (await (await admin(`/v1/workspaces/${first.id}/api-key`)).json()) as { apiKey: string };
    const response = await fetch(`${ingress.url}/v1/workspaces`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const { results } = JSON.parse(text) as {
      results: { id: string; name: string; apiKeyPrefix: string; createdAt: string }[];
    };
    const ours = results.filter((row) => row.id === first.id || row.id === second.id);
    expect(ours).toEqual([
      {
        id: first.id,
        name: 'e2e list, first',
        apiKeyPrefix: expect.any(String),
        createdAt: expect.any(String),
      },
      {
        id: second.id,
        name: 'e2e list, second',
        apiKeyPrefix: expect.any(String),
        createdAt: expect.any(String),
      },
    ]);
    expect(rotated.apiKey.startsWith(ours[0].apiKeyPrefix)).toBe(true);
    expect(second.apiKey.startsWith(ours[1].apiKeyPrefix)).toBe(true);
    expect(ours[0].apiKeyPrefix.length).toBeLessThan(rotated.apiKey.length / 2);
    const times = results.map((row) => Date.parse(row.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const secret of [rotated.apiKey, second.apiKey, first.apiKey]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/hash|signing|secret/i);
    const asWorkspace = await fetch(`${ingress.url}/v1/workspaces`, {
      headers: { authorization: `Bearer ${second.apiKey}` },
    });
    expect(asWorkspace.status).toBe(401);
  });

  it('takes the admin token within the workspace X-Smsgate-Workspace names, as its key', async () => {
    const workspace = await createWorkspace(ingress.url, 'e2e admin within');
    const asAdmin = (headers: Record<string, string>) =>
      fetch(`${ingress.url}/v1/channels`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
      });
    const created = await fetch(`${ingress.url}/v1/channels`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'x-smsgate-workspace': workspace.id,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        type: 'ex',
        name: 'by the admin',
        config: { send_url: 'https://agg.example/send' },
      }),
    });
    expect(created.status).toBe(201);
    const { uuid } = (await created.json()) as { uuid: string };
    const own = (await (await channels(workspace.apiKey)).json()) as { results: { uuid: string }[] };
    expect(own.results.map((channel) => channel.uuid)).toEqual([uuid]);
    const listed = await asAdmin({ 'x-smsgate-workspace': workspace.id });
    expect(await listed.json()).toEqual(own);

    const missing = await asAdmin({});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toBe(
      'X-Smsgate-Workspace names the workspace an admin token acts in',
    );
    expect((await asAdmin({ 'x-smsgate-workspace': 'e2e admin within' })).status).toBe(400);
    const unknown = randomUUID();
    const notFound = await asAdmin({ 'x-smsgate-workspace': unknown });
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { message: string }).message).toBe(`workspace ${unknown} not found`);
    // A key acts in its own workspace whatever the header says.
    const other = await createWorkspace(ingress.url, 'e2e admin within, other');
    const keyed = await fetch(`${ingress.url}/v1/channels`, {
      headers: { authorization: `Bearer ${other.apiKey}`, 'x-smsgate-workspace': workspace.id },
    });
    expect(await keyed.json()).toEqual({ results: [] });
  });

  it('without MESSAGES_API_URL, says where GET /v1/messages is served instead of guessing', async () => {
    const response = await fetch(`${ingress.url}/v1/messages`);
    expect(response.status).toBe(404);
    expect(JSON.stringify(await response.json())).toContain('MESSAGES_API_URL');
  });

  it('answers 404 for an unknown workspace and 401 without the admin token', async () => {
    expect((await admin(`/v1/workspaces/${randomUUID()}/api-key`)).status).toBe(404);
    expect((await admin('/v1/workspaces/not-a-uuid/signing-secret')).status).toBe(404);
    expect((await admin(`/v1/workspaces/${randomUUID()}/api-key`, 'wrong-token-0123456789')).status).toBe(
      401,
    );
  });
});
