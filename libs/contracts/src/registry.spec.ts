import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MessageStatus } from './events/common';
import { jsonSchemaDir, renderJsonSchema } from './export-json-schemas';
import { jsonSchemaOf, parsePayload } from './registry';
import { Topics } from './topics';

const workspace = '0190a3c2-1111-7aaa-8bbb-000000000001';
const channel = '0190a3c2-2222-7aaa-8bbb-000000000002';

describe('topic payloads', () => {
  it('applies defaults to a send request', () => {
    const result = parsePayload(Topics.outboundRequested, { workspace, to: '+254712345678', text: 'hi' });
    expect(result).toEqual({
      ok: true,
      value: { workspace, to: '+254712345678', text: 'hi', priority: 'normal' },
    });
  });

  it('names the fields that are wrong', () => {
    const result = parsePayload(Topics.outboundRequested, { workspace: 'nope', text: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain('workspace');
      expect(result.reason).toContain('to');
      expect(result.reason).toContain('text');
    }
  });

  it('rejects a non-http notify url and a timestamp without offset', () => {
    const bad = parsePayload(Topics.outboundRequested, {
      workspace,
      to: '+1',
      text: 'x',
      notifyUrl: 'file:///etc/passwd',
      expiresAt: '2026-01-01 10:00',
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/notifyUrl.*expiresAt|expiresAt.*notifyUrl/s);
  });

  it('accepts an inbound message and refuses an unknown channel type', () => {
    const inbound = {
      id: '0190a3c2-3333-7aaa-8bbb-000000000003',
      workspace,
      channel,
      channelType: 'ex',
      from: '+254712345678',
      text: 'hello',
      receivedAt: '2026-11-22T10:00:00.000Z',
    };
    expect(parsePayload(Topics.inboundReceived, inbound).ok).toBe(true);
    expect(parsePayload(Topics.inboundReceived, { ...inbound, channelType: 'fax' }).ok).toBe(false);
  });
});

describe('message statuses', () => {
  // Every value ever published, in the order it was added. Readers keep reading all of them: the
  // list is only appended to (a rename or removal would strand events already on the topics).
  const published = [
    'received',
    'accepted',
    'queued',
    'wired',
    'sent',
    'delivered',
    'failed',
    'expired',
    'rejected',
    'errored',
    'no_route',
    'unknown',
  ];

  it('are only ever appended to', () => {
    expect(MessageStatus.options.slice(0, published.length)).toEqual(published);
  });

  it.each(published)('a status change to %s, as published before, is still read', (status) => {
    const change = {
      eventId: '0190a3c2-4444-7aaa-8bbb-000000000004',
      id: '0190a3c2-5555-7aaa-8bbb-000000000005',
      workspace,
      direction: 'out',
      status,
      previousStatus: 'sent',
      at: '2026-11-22T10:00:00.000Z',
    };
    expect(parsePayload(Topics.messageStatusChanged, change)).toEqual({ ok: true, value: change });
    const report = { eventId: change.eventId, id: change.id, workspace, channel, status, at: change.at };
    expect(parsePayload(Topics.outboundStatus, report).ok).toBe(true);
  });
});

describe('exported JSON Schemas', () => {
  const ajv = new Ajv2020({ strict: false });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  ajv.addFormat('uri', (value: string) => URL.canParse(value));

  it.each(Object.values(Topics))('%s is committed and current', (topic) => {
    const file = path.join(jsonSchemaDir(path.resolve(__dirname, '../../..')), `${topic}.json`);
    expect(readFileSync(file, 'utf8')).toBe(renderJsonSchema(topic));
  });

  it('agrees with the runtime check on valid and invalid payloads', () => {
    const validate = ajv.compile(jsonSchemaOf(Topics.outboundRequested));
    expect(validate({ workspace, to: '+254712345678', text: 'hi', priority: 'bulk' })).toBe(true);
    expect(validate({ workspace, to: '+254712345678', text: 'hi', priority: 'urgent' })).toBe(false);
    expect(validate({ workspace, text: 'hi' })).toBe(false);
  });
});
