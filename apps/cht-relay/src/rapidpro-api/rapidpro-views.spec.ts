import type { OutboundRow } from '../outbound/outbound-messages';
import { broadcastView, messageView, rapidProDate } from './rapidpro-views';

const row = (overrides: Partial<OutboundRow> = {}): OutboundRow => ({
  message_id: '0193a0b0-0000-7000-8000-000000000001',
  seq: '42',
  workspace_id: '0193a0b0-0000-7000-8000-0000000000ff',
  source: 'broadcast',
  broadcast_id: '7',
  external_ref: null,
  ref_field: null,
  rapidpro_channel: null,
  urn: 'tel:+254712345678',
  text: 'hello',
  status: 'accepted',
  status_reason: null,
  published: true,
  reported_status: null,
  created_at: new Date('2026-11-22T10:00:00.123Z'),
  modified_at: new Date('2026-11-22T10:00:01.000Z'),
  sent_at: null,
  ...overrides,
});

describe('RapidPro views', () => {
  it('formats dates as RapidPro does (microseconds, UTC)', () => {
    expect(rapidProDate(new Date('2026-11-22T10:00:00.123Z'))).toBe('2026-11-22T10:00:00.123000Z');
  });

  it('answers a broadcast with its integer id, uuid, urns, text, status queued and created_on', () => {
    const view = broadcastView(
      {
        id: '7',
        uuid: 'b6c7d8e9-0000-4000-8000-000000000000',
        urns: ['tel:+254712345678'],
        text: 'hello',
        created_at: new Date('2026-11-22T10:00:00Z'),
      },
      [row()],
    );
    expect(view).toMatchObject({
      id: 7,
      uuid: 'b6c7d8e9-0000-4000-8000-000000000000',
      urns: ['tel:+254712345678'],
      text: 'hello',
      status: 'queued',
      created_on: '2026-11-22T10:00:00.000000Z',
    });
  });

  it('answers a broadcast whose every message was refused (a loop) as failed', () => {
    const view = broadcastView(
      { id: '7', uuid: 'b6c7d8e9-0000-4000-8000-000000000000', urns: [], text: 'x', created_at: new Date() },
      [row({ status: 'failed', published: false, status_reason: 'message loop detected' })],
    );
    expect(view.status).toBe('failed');
  });

  it('lists a message with the RapidPro status CHT maps', () => {
    expect(
      messageView(row({ status: 'delivered', sent_at: new Date('2026-11-22T10:00:02Z') })),
    ).toMatchObject({
      id: 42,
      uuid: '0193a0b0-0000-7000-8000-000000000001',
      broadcast: 7,
      urn: 'tel:+254712345678',
      direction: 'out',
      status: 'delivered',
      sent_on: '2026-11-22T10:00:02.000000Z',
    });
    expect(messageView(row({ status: 'expired' })).status).toBe('failed');
  });
});
