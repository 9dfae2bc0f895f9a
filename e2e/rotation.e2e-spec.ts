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
