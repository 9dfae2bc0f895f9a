import { inboundUrlsOf, normaliseProviderId, quickRepliesRefusal } from './registry';

const PUBLIC_URL = 'https://sms.example.org';
const CHANNEL_ID = '0190a5c6-1b2c-7d3e-8f40-123456789abc';

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

  it('gives a template channel one URL per webhook event, and one for them all when the body names it', () => {
    expect(inboundUrlsOf({ id: CHANNEL_ID, type: 'template', config: {} }, PUBLIC_URL)).toEqual({
      message: `https://sms.example.org/c/template/${CHANNEL_ID}/message`,
      file: `https://sms.example.org/c/template/${CHANNEL_ID}/file`,
      delivered: `https://sms.example.org/c/template/${CHANNEL_ID}/delivered`,
      '*': `https://sms.example.org/c/template/${CHANNEL_ID}`,
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

describe('normaliseProviderId', () => {
  it('makes SMPP hex ids case- and zero-padding-insensitive', () => {
    expect(normaliseProviderId('smpp', '000A1B')).toBe('a1b');
    expect(normaliseProviderId('smpp', 'a1b')).toBe('a1b');
    expect(normaliseProviderId('smpp', ' 0000 ')).toBe('0');
  });

  it('lower-cases SMPP ids that are not hex but keeps their zeros', () => {
    expect(normaliseProviderId('smpp', 'MSG-007')).toBe('msg-007');
  });

  it('lower-cases IMIconnect transids', () => {
    expect(normaliseProviderId('imi', 'F9793C83-F0B7-4200-99D9-20111C507BAF')).toBe(
      'f9793c83-f0b7-4200-99d9-20111c507baf',
    );
  });

  it('keeps other providers ids as they are, without surrounding whitespace', () => {
    expect(normaliseProviderId('ex', ' AbC-001\n')).toBe('AbC-001');
    expect(normaliseProviderId('template', '00Ab')).toBe('00Ab');
  });
});

describe('quickRepliesRefusal', () => {
  const send_url = 'https://aggregator.example/send';

  it('takes them for an ex channel whose send_url or body uses {{quick_replies}}', () => {
    expect(
      quickRepliesRefusal({ type: 'ex', config: { send_url, body: 'text={{text}}{{quick_replies}}' } }),
    ).toBe(undefined);
    const get = { send_url: `${send_url}?t={{text}}{{quick_replies}}`, method: 'GET' };
    expect(quickRepliesRefusal({ type: 'ex', config: get })).toBe(undefined);
  });

  it('refuses them where they would not be shown, saying why', () => {
    expect(quickRepliesRefusal({ type: 'ex', config: { send_url } })).toBe(
      "the channel's config does not use {{quick_replies}} in its send_url or body",
    );
    // A GET sends no body: a body's {{quick_replies}} would go nowhere.
    const get = { send_url, method: 'GET', body: 'x={{quick_replies}}' };
    expect(quickRepliesRefusal({ type: 'ex', config: get })).toMatch(/does not use/);
    for (const type of ['smpp', 'imi', 'template'] as const)
      expect(quickRepliesRefusal({ type, config: {} })).toBe(
        `a channel of type ${type} cannot show quick replies (ex channels can, with {{quick_replies}})`,
      );
  });
});
