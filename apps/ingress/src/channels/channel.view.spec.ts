import { ChannelEntity } from '@smsgate/db';
import { toChannelView } from './channel.view';

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
