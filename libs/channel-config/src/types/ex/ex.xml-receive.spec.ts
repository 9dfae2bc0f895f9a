import { RawAnswer, type InboundReader } from '../../inbound/inbound-handler';
import { exInbound } from './ex.inbound-handler';
import { compileXPath, exXmlReceiveOf, readExXml, type ExXmlReceive } from './ex.xml-receive';

// Courier's own SOAP receive test (handlers/external): the MO an aggregator posts, and what it expects back.
const COURIER_SOAP =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:com="com.hero">' +
  '<soapenv:Header/><soapenv:Body><com:moRequest><source>2349067554729</source><content>Join</content>' +
  '</com:moRequest></soapenv:Body></soapenv:Envelope>';
const COURIER_MO_RESPONSE = '<?xml version=“1.0”?><return>0</return>';

const xmlOf = (config: Record<string, unknown>): ExXmlReceive => {
  const xml = exXmlReceiveOf(config);
  if (!xml) throw new Error('not an XML channel');
  return xml;
};
const read = (body: unknown, from: string, text: string, date?: string) =>
  readExXml(body, xmlOf({ from_xpath: from, text_xpath: text, ...(date ? { date_xpath: date } : {}) }));

describe('reading an XML receive body by XPath', () => {
  it("reads courier's SOAP example", () => {
    expect(read(COURIER_SOAP, '//source', '//content')).toEqual({
      ok: true,
      fields: { from: '2349067554729', text: 'Join' },
    });
  });

  it('answers a body without the nodes as courier does, naming both XPaths', () => {
    const empty = COURIER_SOAP.replace(/<com:moRequest>.*<\/com:moRequest>/, '');
    expect(read(empty, '//source', '//content')).toEqual({
      ok: false,
      reason: 'missing from at: //source or text at: //content node',
    });
  });

  it('matches a prefix by the namespace the body binds it to, and an unprefixed name without a prefix', () => {
    expect(
      read(COURIER_SOAP, '/soapenv:Envelope/soapenv:Body/com:moRequest/source', '//com:moRequest/content'),
    ).toMatchObject({ ok: true, fields: { from: '2349067554729', text: 'Join' } });
    // Courier's XPath needs the prefix written as the body writes it: /Envelope finds no soapenv:Envelope.
    expect(read(COURIER_SOAP, '/Envelope/Body/moRequest/source', '//content')).toMatchObject({ ok: false });
    // A prefix the body never binds finds nothing rather than failing.
    expect(read(COURIER_SOAP, '//nope:source', '//content')).toMatchObject({ ok: false });
  });

  it('reads a body that uses a prefix it never declares, as courier does', () => {
    const body =
      '<Envelope><Body><com:moRequest a:id="7"><source>2349067554729</source>' +
      '<content>Join</content></com:moRequest></Body></Envelope>';
    expect(read(body, '//com:moRequest/source', '/Envelope/Body/com:moRequest/content')).toEqual({
      ok: true,
      fields: { from: '2349067554729', text: 'Join' },
    });
  });

  it('matches unprefixed names in a default namespace, and local-name() anywhere', () => {
    const body =
      '<Envelope xmlns="urn:sms"><Body><From>+254712345678</From><Text>hi</Text></Body></Envelope>';
    expect(read(body, '/Envelope/Body/From', "//*[local-name()='Text']")).toEqual({
      ok: true,
      fields: { from: '+254712345678', text: 'hi' },
    });
  });

  it("reads an element's text with its descendants', CDATA in and comments out, from the first match", () => {
    const body =
      '<r><m><f a="+254700000001">+254712345678</f><t>Tom <b>&amp;</b> <!-- no -->Jerry<![CDATA[ <3]]></t></m>' +
      '<m><f>+254799999999</f><t>second</t></m></r>';
    expect(read(body, '//f', '//t')).toEqual({
      ok: true,
      fields: { from: '+254712345678', text: 'Tom & Jerry <3' },
    });
    expect(read(body, '//f/@a', '//m[2]/t/text()')).toEqual({
      ok: true,
      fields: { from: '+254700000001', text: 'second' },
    });
  });

  it('reads date_xpath when set, and leaves the date out when it finds nothing', () => {
    const body = '<m><f>+254712345678</f><t>hi</t><d>2026-11-22T10:15:00Z</d></m>';
    expect(read(body, '//f', '//t', '//d')).toEqual({
      ok: true,
      fields: { from: '+254712345678', text: 'hi', date: '2026-11-22T10:15:00Z' },
    });
    expect(read(body, '//f', '//t', '//when')).toEqual({
      ok: true,
      fields: { from: '+254712345678', text: 'hi' },
    });
  });

  it.each([
    ['a form', 'from=%2B254712345678&text=hi', /^unable to parse request XML: /],
    ['an empty body', '', /^unable to parse request XML: /],
    ['unclosed XML', '<m><f>1</f>', /^unable to parse request XML: /],
    ['an unknown entity', '<m><f>1</f><t>&bogus;</t></m>', /^unable to parse request XML: /],
    [
      'a DTD (no entity expansion, no external entities)',
      '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><m><f>1</f><t>&x;</t></m>',
      /^unable to parse request XML: a DOCTYPE is not accepted$/,
    ],
  ])('refuses %s as XML it cannot read', (_case, body, reason) => {
    expect(read(body, '//f', '//t')).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuses fields or JSON in place of the XML body', () => {
    expect(read({ from: '+254712345678', text: 'hi' }, '//f', '//t')).toEqual({
      ok: false,
      reason: 'this channel reads an XML body (from_xpath, text_xpath): send it as text/xml',
    });
  });

  it('refuses a NUL written as a character reference, as the edge refuses any NUL', () => {
    expect(read('<m><f>+254712345678</f><t>a&#0;b</t></m>', '//f', '//t')).toEqual({
      ok: false,
      reason: 'text: must not contain NUL (U+0000) or an unpaired UTF-16 surrogate',
    });
  });
});

describe('compiling courier XPaths', () => {
  it('takes XPath 1.0 that selects nodes, prefixes included', () => {
    for (const expression of [
      '//from',
      '/Envelope/Body/msg/text',
      "//*[local-name()='From']",
      '//s:Body//f',
      '//m/@a',
    ])
      expect(typeof compileXPath(expression)).toBe('object');
  });

  it('says why it refuses an expression', () => {
    expect(compileXPath('//[bad')).toBe('is not an XPath 1.0 expression');
    expect(compileXPath('string(//from)')).toMatch(/^must select nodes/);
    expect(compileXPath('count(//from)')).toMatch(/^must select nodes/);
  });

  it('reads XML only when both from_xpath and text_xpath are set', () => {
    expect(exXmlReceiveOf({ from_xpath: '//f' })).toBeUndefined();
    expect(exXmlReceiveOf({ from_xpath: '//f', text_xpath: '' })).toBeUndefined();
    expect(exXmlReceiveOf({})).toBeUndefined();
  });
});

describe('the ex receive of an XML channel', () => {
  const channel = (config: Record<string, unknown>) => ({
    id: '0190a5c6-1b2c-7d3e-8f40-123456789abc',
    country: 'NG',
    config,
  });
  const receive = exInbound.route('POST', 'receive') as InboundReader;
  const accepted = { messageId: '0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', receivedAt: new Date() };
  const soapChannel = channel({
    from_xpath: '//source',
    text_xpath: '//content',
    mo_response: COURIER_MO_RESPONSE,
    mo_response_content_type: 'text/xml',
  });

  it('takes the message and answers with mo_response in its content type', () => {
    const outcome = receive(soapChannel, { query: {}, body: COURIER_SOAP });
    expect(outcome).toMatchObject({
      ok: true,
      kind: 'message',
      message: { from: '+2349067554729', text: 'Join' },
    });
    if (!outcome.ok || outcome.kind !== 'message') throw new Error('not a message');
    expect(outcome.answer(accepted)).toEqual(new RawAnswer(COURIER_MO_RESPONSE, 'text/xml'));
  });

  it('answers mo_response without a content type as courier’s server would label it', () => {
    const answerOf = (mo_response: string) => {
      const outcome = receive(channel({ mo_response }), { query: {}, body: { from: '+2349067554729' } });
      return outcome.ok && outcome.kind === 'message' ? outcome.answer(accepted) : outcome;
    };
    expect(answerOf('<?xml version="1.0"?><ok/>')).toEqual(
      new RawAnswer('<?xml version="1.0"?><ok/>', 'text/xml; charset=utf-8'),
    );
    expect(answerOf('OK')).toEqual(new RawAnswer('OK', 'text/plain; charset=utf-8'));
    expect(answerOf('')).toMatchObject({ message: 'Message Accepted' });
  });

  it('refuses an XML body on a channel without the XPaths, and a bad sender read from XML', () => {
    expect(receive(channel({}), { query: {}, body: COURIER_SOAP })).toEqual({
      ok: false,
      reason: 'an XML body is read only by a channel with from_xpath and text_xpath',
    });
    const body = COURIER_SOAP.replace('2349067554729', 'nobody');
    expect(receive(soapChannel, { query: {}, body })).toMatchObject({
      ok: false,
      reason: /^invalid 'from' number/,
    });
  });
});
