import { inboundHandlerOf } from '../registry';
import type {
  InboundHandler,
  InboundMethod,
  InboundOutcome,
  InboundReader,
  InboundRequest,
} from './inbound-handler';

const CHANNEL = { id: '0190a5c6-1b2c-7d3e-8f40-123456789abc', country: 'KE', config: {} };
const MESSAGE_ID = '0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const ACCEPTED = { messageId: MESSAGE_ID, receivedAt: new Date('2026-11-22T10:15:00Z') };

function read(type: string, method: InboundMethod, action: string, request: InboundRequest): InboundOutcome {
  const reader = inboundHandlerOf(type)?.route(method, action);
  if (typeof reader !== 'function') throw new Error(`no reader for ${method} ${type}/${action}`);
  return reader(CHANNEL, request);
}

describe('inboundHandlerOf', () => {
  it.each(['nope', 'smpp', 'constructor', '__proto__', 'EX'])('has no handler for %s', (type) => {
    expect(inboundHandlerOf(type)).toBeUndefined();
  });

  it.each(['ex', 'imi', 'template'])('has the handler of %s', (type) => {
    expect(inboundHandlerOf(type)).toBeDefined();
  });
});

describe('ex inbound', () => {
  const ex = inboundHandlerOf('ex') as InboundHandler;

  it.each<[InboundMethod, string]>([
    ['GET', 'receive'],
    ['POST', 'receive'],
    ['GET', 'sent'],
    ['POST', 'delivered'],
    ['POST', 'failed'],
    ['GET', 'stopped'],
  ])('serves %s %s', (method, action) => {
    expect(typeof ex.route(method, action)).toBe('function');
  });

  it('refuses an unknown action as unknown before the channel is looked up', () => {
    expect(ex.route('POST', 'bogus')).toEqual({ ok: false, unknown: true, reason: 'unknown action bogus' });
  });

  it('reads a receive from the query string and body together and answers as RapidPro does', () => {
    const outcome = read('ex', 'POST', 'receive', { query: { from: '+254712345678' }, body: { text: 'hi' } });
    expect(outcome).toMatchObject({
      ok: true,
      kind: 'message',
      message: { from: '+254712345678', text: 'hi' },
    });
    if (!outcome.ok || outcome.kind !== 'message') throw new Error('not a message');
    expect(outcome.answer(ACCEPTED)).toEqual({
      message: 'Message Accepted',
      data: [
        {
          type: 'msg',
          channel_uuid: CHANNEL.id,
          msg_uuid: MESSAGE_ID,
          text: 'hi',
          urn: 'tel:+254712345678',
          received_on: '2026-11-22T10:15:00.000Z',
        },
      ],
    });
  });

  it('reads a status callback as a report and a stop as an opt-out', () => {
    expect(read('ex', 'GET', 'delivered', { query: { id: MESSAGE_ID }, body: undefined })).toMatchObject({
      ok: true,
      kind: 'report',
      report: { messageId: MESSAGE_ID, status: 'delivered' },
      answer: { message: 'Status Update Accepted' },
    });
    expect(read('ex', 'POST', 'stopped', { query: {}, body: { from: '0712345678' } })).toEqual({
      ok: true,
      kind: 'opt-out',
      from: '+254712345678',
      answer: {
        message: 'Event Accepted',
        data: [
          expect.objectContaining({
            type: 'event',
            channel_uuid: CHANNEL.id,
            event_type: 'stop_contact',
            urn: 'tel:+254712345678',
          }),
        ],
      },
    });
  });

  it('passes a refusal of the fields through', () => {
    expect(read('ex', 'POST', 'receive', { query: {}, body: { text: 'hi' } })).toEqual({
      ok: false,
      reason: "missing required field 'from'",
    });
  });
});

describe('imi inbound', () => {
  const imi = inboundHandlerOf('imi') as InboundHandler;

  it('serves only POST receive and status', () => {
    expect(typeof imi.route('POST', 'receive')).toBe('function');
    expect(typeof imi.route('POST', 'status')).toBe('function');
    expect(imi.route('GET', 'receive')).toBeUndefined();
    expect(imi.route('POST', 'stopped')).toBeUndefined();
  });

  it("reads an MO notification and answers with the message's id", () => {
    const body = { oa: '254712345678', message: 'hi', tid: 'T-1' };
    const outcome = read('imi', 'POST', 'receive', { query: {}, body });
    expect(outcome).toMatchObject({
      ok: true,
      kind: 'message',
      message: { text: 'hi', providerMessageId: 'T-1' },
    });
    if (!outcome.ok || outcome.kind !== 'message') throw new Error('not a message');
    expect(outcome.answer(ACCEPTED)).toEqual({ status: 'accepted', id: MESSAGE_ID });
  });

  it('refuses a DR that is none', () => {
    expect(read('imi', 'POST', 'status', { query: {}, body: {} })).toMatchObject({ ok: false });
  });
});

describe('template inbound', () => {
  const template = inboundHandlerOf('template') as InboundHandler;

  it('serves any event over POST only, the channel telling which exist', () => {
    expect(template.route('GET', 'message')).toBeUndefined();
    const reader = template.route('POST', 'bogus') as InboundReader;
    expect(reader(CHANNEL, { query: {}, body: {} })).toMatchObject({ ok: false, unknown: true });
  });
});
