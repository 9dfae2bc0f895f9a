import type { AdapterChannel, OutboundMessage } from './channel-adapter';
import { NodeHttpClient } from '@smsgate/egress';
import { RecordingServer } from '@smsgate/testing';

export const MESSAGE_ID = '0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
export const CHANNEL_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** A client that may reach the local test servers, and only those. */
export const localHttpClient = (): NodeHttpClient =>
  new NodeHttpClient({ egress: { allowHosts: ['127.0.0.1'] } });

/**
 * A recording aggregator and a local client for a describe block: started before its tests, emptied
 * after each, stopped after all. `onStart` receives both once they are up.
 */
export function useRecordingServer(
  onStart: (local: { server: RecordingServer; http: NodeHttpClient }) => void,
): void {
  let local: { server: RecordingServer; http: NodeHttpClient };
  beforeAll(async () => {
    local = { server: await RecordingServer.start(), http: localHttpClient() };
    onStart(local);
  });
  afterEach(() => local.server.reset());
  afterAll(async () => {
    local.http.close();
    await local.server.stop();
  });
}

export function outboundMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: MESSAGE_ID,
    to: '+250788123123',
    from: '+5582999489287',
    text: 'Love is patient. Love is kind.',
    channel: CHANNEL_ID,
    ...overrides,
  };
}

export function adapterChannel(config: unknown, secrets: Record<string, string> = {}): AdapterChannel {
  return { id: CHANNEL_ID, address: '+5582999489287', config, secrets };
}

/** Fails the test if any secret value shows up anywhere in the value (results, errors, details). */
export function expectNoSecrets(value: unknown, secrets: Record<string, string>): void {
  const text =
    value instanceof Error ? `${value.name} ${value.message} ${value.stack ?? ''}` : JSON.stringify(value);
  for (const [name, secret] of Object.entries(secrets)) {
    if (text.includes(secret)) throw new Error(`secret ${name} leaked into ${text}`);
  }
}
