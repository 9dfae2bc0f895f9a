import { ChannelEntity } from '@smsgate/db';
import { inboundUrlsOf, toChannelView } from './channel.view';

const PUBLIC_URL = 'https://sms.example.org';
const CHANNEL_ID = '0190a5c6-1b2c-7d3e-8f40-123456789abc';
const SEALED = 'v1.aXY.dGFn.Y2lwaGVydGV4dA';

const channel = (overrides: Partial<ChannelEntity> = {}): ChannelEntity =>
  Object.assign(new ChannelEntity(), {
    id: CHANNEL_ID,
    workspaceId: '0190a5c6-0000-7000-8000-000000000001',
    type: 'ex',
    name: 'Safaricom',
    address: '22141',
    country: 'KE',
    config: { url: 'https://aggregator.example/send' },
    secrets: SEALED,
    secretFields: ['api_key', 'password'],
    enabled: true,
    createdAt: new Date('2026-11-22T10:15:00.000Z'),
    updatedAt: new Date('2026-11-23T08:00:00.500Z'),
    deletedAt: null,
    ...overrides,
  });

describe('inboundUrlsOf', () => {
  it('gives an External API channel its receive, status and stop URLs under the public URL', () => {
    const base = `https://sms.example.org/c/ex/${CHANNEL_ID}`;
    expect(inboundUrlsOf({ id: CHANNEL_ID, type: 'ex' }, PUBLIC_URL)).toEqual({
      receive: `${base}/receive`,
      sent: `${base}/sent`,
      delivered: `${base}/delivered`,
      failed: `${base}/failed`,
      stopped: `${base}/stopped`,
    });
  });

  it('keeps a path prefix of the public URL', () => {
    expect(inboundUrlsOf({ id: CHANNEL_ID, type: 'ex' }, 'https://example.org/smsgate').receive).toBe(
      `https://example.org/smsgate/c/ex/${CHANNEL_ID}/receive`,
    );
  });

  it('gives an IMIconnect channel its MO and DR notify URLs', () => {
    expect(inboundUrlsOf({ id: CHANNEL_ID, type: 'imi' }, PUBLIC_URL)).toEqual({
      receive: `https://sms.example.org/c/imi/${CHANNEL_ID}/receive`,
      status: `https://sms.example.org/c/imi/${CHANNEL_ID}/status`,
    });
  });

  it('gives a template channel one URL per webhook event, the documented ones by default', () => {
    expect(inboundUrlsOf({ id: CHANNEL_ID, type: 'template', config: {} }, PUBLIC_URL)).toEqual({
      message: `https://sms.example.org/c/template/${CHANNEL_ID}/message`,
      file: `https://sms.example.org/c/template/${CHANNEL_ID}/file`,
      delivered: `https://sms.example.org/c/template/${CHANNEL_ID}/delivered`,
    });
    const Webhook = [
      { event_key: 'dlr', event_type: 'delivered', request_parameters: { ref: '$messageid$' } },
    ];
    expect(inboundUrlsOf({ id: CHANNEL_ID, type: 'template', config: { Webhook } }, PUBLIC_URL)).toEqual({
      dlr: `https://sms.example.org/c/template/${CHANNEL_ID}/dlr`,
    });
  });

  it('gives an SMPP channel no inbound URLs: its SMSC delivers over the bind', () => {
    expect(inboundUrlsOf({ id: CHANNEL_ID, type: 'smpp' }, PUBLIC_URL)).toEqual({});
  });
});

describe('toChannelView', () => {
  it('shows the channel with its id as uuid, ISO timestamps and inbound URLs', () => {
    expect(toChannelView(channel(), PUBLIC_URL)).toEqual({
      uuid: CHANNEL_ID,
      type: 'ex',
      name: 'Safaricom',
      address: '22141',
      country: 'KE',
      config: { url: 'https://aggregator.example/send' },
      secretFields: ['api_key', 'password'],
      enabled: true,
      receiptTimeoutSeconds: 172_800,
      inboundUrls: expect.objectContaining({ receive: `${PUBLIC_URL}/c/ex/${CHANNEL_ID}/receive` }),
      createdAt: '2026-11-22T10:15:00.000Z',
      updatedAt: '2026-11-23T08:00:00.500Z',
    });
  });

  it('never contains the sealed secrets, only the names of the secret fields', () => {
    const view = toChannelView(channel(), PUBLIC_URL);
    expect(view).not.toHaveProperty('secrets');
    expect(view.secretFields).toEqual(['api_key', 'password']);
    expect(JSON.stringify(view)).not.toContain(SEALED);
  });

  it('leaves out the workspace id and the deletion time', () => {
    const view = toChannelView(channel({ deletedAt: new Date('2026-12-01T00:00:00Z') }), PUBLIC_URL);
    expect(view).not.toHaveProperty('workspaceId');
    expect(view).not.toHaveProperty('deletedAt');
  });

  it('shows a channel without address, country or secrets with nulls and no secret fields', () => {
    const view = toChannelView(
      channel({ type: 'smpp', address: null, country: null, secrets: null, secretFields: [], config: {} }),
      PUBLIC_URL,
    );
    expect(view).toMatchObject({
      type: 'smpp',
      address: null,
      country: null,
      config: {},
      secretFields: [],
      inboundUrls: {},
    });
  });

  it('shows the receipt timeout in force: the channel setting, or null when turned off', () => {
    const timeout = (config: Record<string, unknown>) =>
      toChannelView(channel({ config }), PUBLIC_URL).receiptTimeoutSeconds;
    expect(timeout({ receipt_timeout_seconds: 600 })).toBe(600);
    expect(timeout({ receipt_timeout_seconds: 0 })).toBeNull();
  });

  it('shows a disabled channel as disabled', () => {
    expect(toChannelView(channel({ enabled: false }), PUBLIC_URL).enabled).toBe(false);
  });
});
