import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MessageStatus } from './events/common';
import { jsonSchemaDir, renderJsonSchema } from './export-json-schemas';
import { jsonSchemaOf, parsePayload } from './registry';
import { Topics } from './topics';

const workspace = '0190a3c2-1111-7aaa-8bbb-000000000001';
const channel = '0190a3c2-2222-7aaa-8bbb-000000000002';
const inbound = {
  id: '0190a3c2-3333-7aaa-8bbb-000000000003',
  workspace,
  channel,
  channelType: 'ex',
  from: '+254712345678',
  text: 'hello',
  receivedAt: '2026-11-22T10:00:00.000Z',
};

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
    }
  });

  it('takes a text, attachments or both, and refuses a request with neither', () => {
    const request = (fields: object) =>
      parsePayload(Topics.outboundRequested, { workspace, to: '+254712345678', ...fields });
    expect(request({ text: '' })).toEqual({ ok: false, reason: 'text: give a text, attachments, or both' });
    expect(request({})).toEqual({ ok: false, reason: 'text: give a text, attachments, or both' });
    const attachments = [{ url: 'https://files.example.org/a.jpg', contentType: 'image/jpeg' }];
    expect(request({ attachments })).toMatchObject({ ok: true, value: { text: '', attachments } });
    expect(request({ text: 'x', attachments: [] })).toMatchObject({ ok: false });
    expect(request({ attachments: [{ url: 'ftp://files.example.org/a.jpg' }] })).toEqual({
      ok: false,
      reason: 'attachments.0.url: must be an http(s) URL',
    });
  });

  it("checks quick replies against RapidPro's limits: 10, of 64 characters (code points) each", () => {
    const request = (quickReplies: unknown) =>
      parsePayload(Topics.outboundRequested, { workspace, to: '+1', text: 'x', quickReplies });
    expect(request(['Yes', '😀'.repeat(64)])).toMatchObject({
      ok: true,
      value: { quickReplies: ['Yes', '😀'.repeat(64)] },
    });
    expect(request(Array.from({ length: 11 }, () => 'a'))).toMatchObject({ ok: false, reason: /at most 10/ });
    expect(request(['x'.repeat(65)])).toMatchObject({ ok: false, reason: /at most 64 characters/ });
    expect(request([])).toMatchObject({ ok: false, reason: /at least one/ });
    expect(request(['  '])).toMatchObject({ ok: false, reason: /blank/ });
    expect(request(['a\u0000'])).toMatchObject({ ok: false, reason: /NUL/ });
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

  it.each([
    ['year 0000', '0000-06-01T00:00:00Z'],
    ['year 10000 in UTC', '9999-12-31T23:00:00-05:00'],
    ['an offset PostgreSQL refuses', '2026-11-22T10:00:00+16:00'],
  ])('refuses a timestamp in %s', (_case, expiresAt) => {
    const result = parsePayload(Topics.outboundRequested, { workspace, to: '+1', text: 'x', expiresAt });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('expiresAt: must be within years') });
  });

  it('accepts timestamps at the ends of the range and with offsets up to ±15:59', () => {
    for (const expiresAt of [
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2026-11-22T10:00:00-15:59',
    ]) {
      expect(parsePayload(Topics.outboundRequested, { workspace, to: '+1', text: 'x', expiresAt }).ok).toBe(
        true,
      );
    }
  });

  it('accepts an inbound message and refuses an unknown channel type', () => {
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
    expect(validate({ workspace, to: '+254712345678', text: 'a\u0000b' })).toBe(false);
    expect(validate({ workspace, to: '+254712345678', text: 'a\ud800b' })).toBe(false);
    expect(validate({ workspace, to: '+254712345678', text: 'ok 😀' })).toBe(true);
  });
});

describe('strings PostgreSQL cannot store', () => {
  const request = { workspace, to: '+254712345678', text: 'hi' };

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud83db'],
    ['a lone low surrogate at the end', 'ab\ude00'],
  ])('refuses %s in any string field, naming it', (_case, bad) => {
    for (const [field, value] of [
      ['text', bad],
      ['from', bad],
      ['correlationId', bad],
      ['callbackData', bad],
      ['notifyUrl', `https://example.org/${bad}`],
    ] as const) {
      const result = parsePayload(Topics.outboundRequested, { ...request, [field]: value });
      expect(result).toEqual({
        ok: false,
        reason: expect.stringContaining(`${field}: must not contain NUL`),
      });
    }
    expect(parsePayload(Topics.outboundRequested, { ...request, metadata: { k: bad } }).ok).toBe(false);
    expect(parsePayload(Topics.outboundRequested, { ...request, metadata: { [bad]: 'v' } }).ok).toBe(false);
    expect(parsePayload(Topics.inboundReceived, { ...inbound, text: bad }).ok).toBe(false);
    expect(
      parsePayload(Topics.outboundStatus, {
        eventId: inbound.id,
        id: inbound.id,
        workspace,
        status: 'sent',
        detail: { reason: bad },
        at: inbound.receivedAt,
      }).ok,
    ).toBe(false);
  });

  it('accepts text with paired surrogates (emoji) and other control characters', () => {
    expect(parsePayload(Topics.outboundRequested, { ...request, text: 'ok 😀 \u0001\t\n' }).ok).toBe(true);
    expect(parsePayload(Topics.inboundReceived, { ...inbound, text: '😀'.repeat(100) }).ok).toBe(true);
  });

  it('still dead-letters such an event: a dead letter carries the bytes it was given', () => {
    const deadLetter = {
      id: inbound.id,
      group: 'dlr-tracker',
      sourceTopic: Topics.outboundRequested,
      partition: 0,
      offset: '1',
      value: '{"text":"a\u0000b"}',
      valueEncoding: 'utf8',
      headers: {},
      reason: 'invalid payload',
      attempts: 1,
      failedAt: inbound.receivedAt,
    };
    expect(parsePayload(Topics.deadLetter, deadLetter).ok).toBe(true);
  });
});
