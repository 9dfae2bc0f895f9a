export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestWorkspace {
  id: string;
  apiKey: string;
}

export async function createWorkspace(ingressUrl: string, name = 'test'): Promise<TestWorkspace> {
  const response = await fetch(`${ingressUrl}/v1/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201)
    throw new Error(`creating a workspace answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as TestWorkspace;
}

export interface TestChannel {
  uuid: string;
  inboundUrls: Record<string, string>;
  [field: string]: unknown;
}

/** Config and secrets each type needs to pass ingress's save-time checks, unless a test gives its own. */
const VALID_SETUP: Record<string, { config?: Record<string, unknown>; secrets?: Record<string, string> }> = {
  ex: { config: { send_url: 'https://aggregator.example/send' } },
  imi: { secrets: { service_key: 'test-service-key' } },
  template: {
    config: {
      API: { SendMessage: { request_method: 'POST', request_url: 'https://aggregator.example/send' } },
    },
  },
  smpp: { config: { host: 'smsc.example', system_id: 'test' }, secrets: { password: 'test' } },
};

export async function createChannel(
  ingressUrl: string,
  apiKey: string,
  body: Record<string, unknown> = {},
): Promise<TestChannel> {
  const type = typeof body.type === 'string' ? body.type : 'ex';
  const response = await fetch(`${ingressUrl}/v1/channels`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type,
      name: 'test channel',
      country: 'KE',
      address: '+254700000001',
      ...VALID_SETUP[type],
      ...body,
    }),
  });
  if (response.status !== 201)
    throw new Error(`creating a channel answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as TestChannel;
}
