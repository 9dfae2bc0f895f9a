import { readTemplateEvent } from './template.inbound';

const CHANNEL_ID = '0190a5c6-1b2c-7d3e-8f40-123456789abc';
const MESSAGE_ID = '0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const SEND = { request_method: 'POST', request_url: 'https://provider.example/send' };

const channel = (config: Record<string, unknown> = { API: { SendMessage: SEND } }) => ({
  id: CHANNEL_ID,
  country: 'AU',
  config,
});
const delivered = (params: Record<string, unknown>) => ({ method: 'delivered', params });

describe('readTemplateEvent', () => {
  it("reads a message event into an inbound message, numbers normalised with the channel's country", () => {
    const body = { method: 'message', params: { from: '0412 345 678', to: '+61855555555', content: 'Hi' } };
    expect(readTemplateEvent(channel(), 'message', body)).toEqual({
      ok: true,
      kind: 'message',
      message: { from: '+61412345678', to: '+61855555555', text: 'Hi' },
    });
  });

  it("reads a file event's URL as the message's attachment, and as metadata.mediaUrl as before", () => {
    const file = (url: string) => ({ method: 'file', params: { from: '+61412345678', text: 'pic', url } });
    expect(readTemplateEvent(channel(), 'file', file('https://cdn.example/a.jpg'))).toEqual({
      ok: true,
      kind: 'message',
      message: {
        from: '+61412345678',
        text: 'pic',
        attachments: [{ url: 'https://cdn.example/a.jpg' }],
        metadata: { mediaUrl: 'https://cdn.example/a.jpg' },
      },
    });
    // Longer than metadata's values take: the attachment only.
    const long = `https://cdn.example/${'a'.repeat(2_028)}`;
    expect(long).toHaveLength(2_048);
    expect(readTemplateEvent(channel(), 'file', file(long))).toMatchObject({
      ok: true,
      message: { attachments: [{ url: long }], metadata: undefined },
    });
    // A file with no text is a message of the file alone.
    const bare = { method: 'file', params: { from: '+61412345678', url: 'http://cdn.example/b.png' } };
    expect(readTemplateEvent(channel(), 'file', bare)).toMatchObject({
      ok: true,
      message: { text: '', attachments: [{ url: 'http://cdn.example/b.png' }] },
    });
  });

  it.each([
    ['not http(s)', 'ftp://cdn.example/a.jpg'],
    ['no URL', 'a.jpg'],
    ['with a space', 'https://cdn.example/a b.jpg'],
    ['without a host', 'https://'],
    ['over 2048 characters', `https://cdn.example/${'a'.repeat(2_029)}`],
  ])('refuses a file event whose url is %s, saying why', (_name, url) => {
    const body = { method: 'file', params: { from: '+61412345678', text: 'pic', url } };
    expect(readTemplateEvent(channel(), 'file', body)).toEqual({
      ok: false,
      reason: "'url' must be an http(s) URL of at most 2048 characters",
    });
  });

  it('refuses a file event without a url, naming where the template puts it', () => {
    const body = { method: 'file', params: { from: '+61412345678', text: 'pic' } };
    expect(readTemplateEvent(channel(), 'file', body)).toEqual({ ok: false, reason: "missing 'params.url'" });
  });

  it('gives a message event no attachments', () => {
    const body = { method: 'message', params: { from: '+61412345678', content: 'Hi' } };
    const read = readTemplateEvent(channel(), 'message', body);
    expect(read).toMatchObject({ ok: true, kind: 'message', message: { text: 'Hi' } });
    expect(read.ok && read.kind === 'message' && read.message.attachments).toBeUndefined();
  });

  it("keeps a message's provider id, and refuses one longer than events carry", () => {
    const withId = channel({
      API: { SendMessage: SEND },
      Webhook: [
        {
          event_key: 'sms',
          event_type: 'message',
          request_parameters: { from: '$from$', content: '$content$', ref: '$messageid$' },
        },
      ],
    });
    const sms = (ref: string) => ({ from: '+61412345678', content: 'Hi', ref });
    expect(readTemplateEvent(withId, 'sms', sms('p-1'))).toMatchObject({
      ok: true,
      message: { providerMessageId: 'p-1' },
    });
    expect(readTemplateEvent(withId, 'sms', sms('p'.repeat(129)))).toEqual({
      ok: false,
      reason: "'messageid' is longer than 128 characters",
    });
  });

  it('calls an event the template does not name unknown, listing the ones it does', () => {
    expect(readTemplateEvent(channel(), 'nope', {})).toEqual({
      ok: false,
      unknown: true,
      reason: "unknown event nope (this channel's events: message, file, delivered)",
    });
  });

  it('picks the model by the event key in the body when the URL names no event', () => {
    const body = {
      method: 'file',
      params: { from: '+61412345678', text: 'pic', url: 'https://cdn.example/a' },
    };
    expect(readTemplateEvent(channel(), undefined, body)).toMatchObject({
      ok: true,
      kind: 'message',
      message: {
        text: 'pic',
        attachments: [{ url: 'https://cdn.example/a' }],
        metadata: { mediaUrl: 'https://cdn.example/a' },
      },
    });
    expect(readTemplateEvent(channel(), undefined, delivered({ messageid: MESSAGE_ID }))).toMatchObject({
      ok: true,
      kind: 'report',
      report: { messageId: MESSAGE_ID, status: 'delivered' },
    });
  });

  it('refuses a body whose event key no model has, naming it, with a 400 rather than a 404', () => {
    const events = "(this channel's events: message, file, delivered)";
    expect(readTemplateEvent(channel(), undefined, { method: 'typing', params: {} })).toEqual({
      ok: false,
      reason: `unknown event: 'method' is "typing" ${events}`,
    });
    expect(readTemplateEvent(channel(), undefined, { params: {} })).toEqual({
      ok: false,
      reason: `unknown event: 'method' is missing ${events}`,
    });
    expect(readTemplateEvent(channel(), undefined, ['message'])).toMatchObject({ ok: false });
    const keyless = channel({
      API: { SendMessage: SEND },
      Webhook: [{ event_key: 'in', event_type: 'message', request_parameters: { a: '$from$', b: '$text$' } }],
    });
    expect(readTemplateEvent(keyless, undefined, { a: '+61412345678', b: 'hi' })).toEqual({
      ok: false,
      reason: "no event model marks $event_key$: post to the event's own URL (this channel's events: in)",
    });
    expect(readTemplateEvent(keyless, 'in', { a: '+61412345678', b: 'hi' })).toMatchObject({ ok: true });
  });

  it('takes reports by our message id when the template maps no provider id', () => {
    const read = readTemplateEvent(channel(), 'delivered', delivered({ messageid: MESSAGE_ID }));
    expect(read).toMatchObject({
      ok: true,
      kind: 'report',
      report: { messageId: MESSAGE_ID, status: 'delivered', detail: { source: 'template delivered' } },
    });
    expect(readTemplateEvent(channel(), 'delivered', delivered({ messageid: 'abc' }))).toEqual({
      ok: false,
      reason: "'messageid' must be our message id: this channel's template has no response_map",
    });
  });

  it("takes reports by the provider's id when the template maps one", () => {
    const config = { API: { SendMessage: { ...SEND, response_map: { id: '$messageid$' } } } };
    const read = readTemplateEvent(
      channel(config),
      'delivered',
      delivered({ messageid: 'P-1', status: 'failed' }),
    );
    expect(read).toMatchObject({ ok: true, report: { providerMessageId: 'P-1', status: 'failed' } });
    expect(read.ok && read.kind === 'report' && read.report.messageId).toBeUndefined();
  });

  it('refuses an unknown status and a date that is not ISO-8601', () => {
    expect(
      readTemplateEvent(channel(), 'delivered', delivered({ messageid: MESSAGE_ID, status: 'odd' })),
    ).toEqual({
      ok: false,
      reason: 'unknown status "odd": map it in the model\'s status_map',
    });
    const config = {
      API: { SendMessage: SEND },
      Webhook: [
        {
          event_key: 'message',
          event_type: 'message',
          request_parameters: { from: '$from$', content: '$content$', date: '$date$' },
        },
      ],
    };
    expect(
      readTemplateEvent(channel(config), 'message', { from: '+61412345678', content: 'hi', date: 'today' }),
    ).toEqual({
      ok: false,
      reason: "'date' must be an ISO-8601 date: today",
    });
  });
});
