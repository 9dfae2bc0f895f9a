import { ADMIN_TOKEN, serviceEnv, ServiceProcess, startInFreshGroup } from '@smsgate/testing';
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Operation = {
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, unknown>;
};
const document = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'docs', 'openapi', 'ingress.json'), 'utf8'),
) as { paths: Record<string, Record<string, Operation>> };

/** The request example the committed document shows for an operation. */
function exampleOf(method: string, template: string): Record<string, unknown> {
  const example = document.paths[template]?.[method]?.requestBody?.content['application/json']?.example;
  if (example === undefined) throw new Error(`the document has no example for ${method} ${template}`);
  return example as Record<string, unknown>;
}

/**
 * The request examples of ingress' API reference, sent as a reader would send them, in the order a reader
 * would (workspace, channel, route, template, profile, smartlink, SMPP account, then sends): each must be
 * accepted with the success status the document gives. The unit test checks them against their schemas;
 * this, against what the service does with them (a channel's config checked by its type, a send routed and
 * published).
 */
describe("ingress' API reference examples, sent to ingress", () => {
  let ingress: ServiceProcess;
  let apiKey: string;

  beforeAll(async () => {
    ingress = await startInFreshGroup('ingress', 'ingress-api-examples-e2e', serviceEnv());
  });
  afterAll(() => ingress?.stop());

  async function call(
    method: string,
    template: string,
    options: { path?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const answer = await fetch(`${ingress.url}${options.path ?? template}`, {
      method: method.toUpperCase(),
      headers: {
        'content-type': 'application/json',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify(options.body ?? exampleOf(method, template)),
    });
    const body = (await answer.json()) as Record<string, unknown>;
    const documented = Object.keys(document.paths[template][method].responses).filter((status) =>
      status.startsWith('2'),
    );
    if (!documented.includes(String(answer.status)))
      throw new Error(
        `${method.toUpperCase()} ${template} answered ${answer.status} (documented: ${documented.join(', ')}): ${JSON.stringify(body)}`,
      );
    return body;
  }

  it('accepts each example and does what it says', async () => {
    const workspace = await call('post', '/v1/workspaces', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    apiKey = workspace.apiKey as string;

    const channel = await call('post', '/v1/channels');
    const uuid = channel.uuid as string;
    await call('patch', '/v1/channels/{uuid}', { path: `/v1/channels/${uuid}` });
    await call('patch', '/v1/channels/{uuid}', { path: `/v1/channels/${uuid}`, body: { enabled: true } });
    // The route's example names channels by id: this workspace's channel instead.
    await call('post', '/v1/routes', { body: { ...exampleOf('post', '/v1/routes'), channels: [uuid] } });

    const template = await call('post', '/v1/templates');
    await call('put', '/v1/templates/{id}', { path: `/v1/templates/${String(template.id)}` });
    await call('put', '/v1/profiles/{msisdn}', { path: '/v1/profiles/+254711222333' });
    await call('patch', '/v1/profiles/{msisdn}', { path: '/v1/profiles/+254711222333' });
    const link = await call('post', '/v1/smartlinks');
    await call('put', '/v1/smartlinks/{linkid}', { path: `/v1/smartlinks/${String(link.linkid)}` });
    // systemIds are unique across smsgate (and runs): a fresh one, and this workspace's channel.
    const account = await call('post', '/v1/smpp-accounts', {
      body: {
        ...exampleOf('post', '/v1/smpp-accounts'),
        systemId: `ex-${Date.now().toString(36)}`,
        channel: uuid,
      },
    });
    await call('patch', '/v1/smpp-accounts/{id}', { path: `/v1/smpp-accounts/${String(account.id)}` });

    const sent = await call('post', '/v1/messages');
    expect((sent.messages as { status: string }[]).map((message) => message.status)).toEqual([
      'accepted',
      'accepted',
    ]);
    const imi = await call('post', '/resources/v1/messaging', { headers: { key: apiKey } });
    expect(imi.response).toEqual([expect.objectContaining({ code: '1001', description: 'Queued' })]);
  });
});
