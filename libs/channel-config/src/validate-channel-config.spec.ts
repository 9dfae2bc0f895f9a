import { EgressGuard } from '@smsgate/egress';
import { ringotelSeedTemplate, ringotelTemplate } from '@smsgate/testing';
import { DEFAULT_RECEIPT_TIMEOUT_SECONDS, receiptTimeoutOf } from './shared/common.config';
import type { ChannelType } from '@smsgate/contracts';
import { validateChannelConfig } from './validate-channel-config';

const problemsOf = (...args: Parameters<typeof validateChannelConfig>): string[] => {
  const result = validateChannelConfig(...args);
  return result.ok ? [] : result.problems;
};

const noValue = (name: string) =>
  `smsgate has no value for it; add "${name}" to config.settings ` +
  '(smsgate fills $from$ $to$ $content$ $messageid$ $channel$ $to_no_plus$ $from_no_plus$)';

const ringotel = (sendMessage: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ringotelTemplate('https://api.example.com/webhook', sendMessage, extra);

describe('validateChannelConfig', () => {
  describe('ex', () => {
    it('accepts the minimal and the full RapidPro config', () => {
      expect(validateChannelConfig('ex', { send_url: 'https://sms.example.com/send' }, {})).toEqual({
        ok: true,
      });
      expect(
        validateChannelConfig(
          'ex',
          {
            send_url: 'https://sms.example.com/send/{{to_no_plus}}',
            method: 'put',
            content_type: 'json',
            body: '{"to":{{to}},"text":{{text}},"ref":{{id}}}',
            headers: { 'X-Account': 'acme' },
            max_length: '320',
            mt_response_check: 'OK',
          },
          { send_authorization: 'Token x' },
        ),
      ).toEqual({ ok: true });
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a missing send_url', {}, ['config.send_url: is required']],
      [
        'a non-http send_url',
        { send_url: 'ftp://x.example/' },
        ['config.send_url: must be an http or https URL'],
      ],
      [
        'a bad method',
        { send_url: 'https://x.example/', method: 'DELETE' },
        ['config.method: must be GET, POST or PUT'],
      ],
      [
        'a bad content type',
        { send_url: 'https://x.example/', content_type: 'yaml' },
        ['config.content_type: must be urlencoded, json, xml or a media type such as application/json'],
      ],
      [
        'an xml channel without a body',
        { send_url: 'https://x.example/', content_type: 'xml' },
        ['config.body: is required for content type xml'],
      ],
      [
        'a JSON body that is not JSON',
        { send_url: 'https://x.example/', content_type: 'json', body: '{"text":{{text}}' },
        ['config.body: is not valid JSON once the variables are filled in'],
      ],
      [
        'an unknown variable',
        { send_url: 'https://x.example/{{phone}}', body: 'a={{msg}}' },
        [
          'config.send_url: unknown variable {{phone}} (known: {{id}} {{text}} {{to}} {{to_no_plus}} {{from}} {{from_no_plus}} {{channel}} {{uuid}} {{session_status}} {{quick_replies}})',
          'config.body: unknown variable {{msg}} (known: {{id}} {{text}} {{to}} {{to_no_plus}} {{from}} {{from_no_plus}} {{channel}} {{uuid}} {{session_status}} {{quick_replies}})',
        ],
      ],
      [
        'bad headers and max_length',
        {
          send_url: 'https://x.example/',
          headers: { 'Bad Header': 'x', 'X-A': 'a\r\nInjected: 1' },
          max_length: 0,
        },
        [
          'config.headers.Bad Header: is not a valid header name',
          'config.headers.X-A: must not contain line breaks',
          'config.max_length: must be at least 1',
        ],
      ],
      [
        "headers that would replace smsgate's dedupe headers",
        { send_url: 'https://x.example/', headers: { 'x-smsgate-message-id': '1', 'X-Smsgate-Part': '1' } },
        [
          'config.headers.x-smsgate-message-id: is set by smsgate',
          'config.headers.X-Smsgate-Part: is set by smsgate',
        ],
      ],
    ])('reports %s', (_name, config, problems) => {
      expect(problemsOf('ex', config, {})).toEqual(problems);
    });

    it('reports every problem at once', () => {
      expect(problemsOf('ex', { send_url: 'mailto:a@b.c', method: 'PATCH' }, {})).toEqual([
        'config.method: must be GET, POST or PUT',
        'config.send_url: must be an http or https URL',
      ]);
    });

    it('refuses IP-literal destinations the egress policy refuses, and allows what it allows', () => {
      expect(problemsOf('ex', { send_url: 'http://169.254.169.254/latest' }, {})).toEqual([
        'config.send_url: 169.254.169.254 is a link-local address (not allowed)',
      ]);
      const egress = new EgressGuard({ allowHosts: ['10.0.0.0/8'] });
      expect(validateChannelConfig('ex', { send_url: 'http://10.1.1.1/send' }, {}, { egress })).toEqual({
        ok: true,
      });
    });

    it("accepts courier's use_national, encoding D or S and mo_*_field keys, and checks their values", () => {
      const config = {
        send_url: 'https://x.example/',
        use_national: true,
        encoding: 'D',
        mo_from_field: 'msisdn',
        mo_text_field: 'message',
        mo_date_field: 'sent_at',
      };
      expect(validateChannelConfig('ex', config, {})).toEqual({ ok: true });
      expect(validateChannelConfig('ex', { ...config, encoding: 'S' }, {})).toEqual({ ok: true });
      expect(
        problemsOf('ex', {
          send_url: 'https://x.example/',
          use_national: 'yes',
          encoding: 'U',
          mo_text_field: ' ',
        }),
      ).toEqual([
        'config.use_national: must be true or false',
        'config.encoding: must be D (the text as it is) or S (smart: GSM stand-ins)',
        'config.mo_text_field: must not be empty',
      ]);
    });

    it("accepts courier's XML receive keys and mo_response, and checks them", () => {
      const soap = {
        send_url: 'https://x.example/',
        from_xpath: '//source',
        text_xpath: "//*[local-name()='content']",
        date_xpath: '//soapenv:Body//received',
        mo_response: '<?xml version="1.0"?><return>0</return>',
        mo_response_content_type: 'text/xml',
      };
      expect(validateChannelConfig('ex', soap, {})).toEqual({ ok: true });
      expect(validateChannelConfig('ex', { send_url: 'https://x.example/', mo_response: 'OK' }, {})).toEqual({
        ok: true,
      });
      expect(
        problemsOf('ex', {
          send_url: 'https://x.example/',
          from_xpath: 'string(//source)',
          text_xpath: '//[',
          mo_response: 7,
          mo_response_content_type: 'xml please',
        }),
      ).toEqual([
        'config.from_xpath: must select nodes (courier reads the text of the first one), ' +
          'e.g. //from, not string(//from)',
        'config.text_xpath: is not an XPath 1.0 expression',
        'config.mo_response: must be a string',
        'config.mo_response_content_type: must be a media type such as text/xml',
      ]);
    });

    it('refuses receive keys that would be saved and ignored without their partners', () => {
      const base = { send_url: 'https://x.example/' };
      expect(problemsOf('ex', { ...base, from_xpath: '//f', date_xpath: '//d' })).toEqual([
        'config.text_xpath: is required too: an XML body is read only when both XPaths are set',
        'config.date_xpath: is read only with from_xpath and text_xpath',
      ]);
      expect(
        problemsOf('ex', { ...base, from_xpath: '//f', text_xpath: '//t', mo_text_field: 'message' }),
      ).toEqual([
        'config.mo_text_field: is not read when from_xpath and text_xpath are set (the body is XML)',
      ]);
      expect(problemsOf('ex', { ...base, mo_response_content_type: 'text/xml' })).toEqual([
        'config.mo_response_content_type: is the content type of mo_response, which is not set',
      ]);
    });

    it('refuses a key nothing reads, naming it, instead of saving it and ignoring it', () => {
      const problems = problemsOf('ex', {
        send_url: 'https://x.example/',
        mt_response: '',
        tps: 5,
        bogus: 1,
      });
      expect(problems).toEqual([
        expect.stringMatching(/^config\.mt_response: is not a setting of ex channels \(known: send_url, /),
        expect.stringMatching(/^config\.bogus: is not a setting of ex channels/),
      ]);
      expect(problems[0]).toContain('receipt_timeout_seconds');
      // RapidPro keeps the Authorization header in its config; here it is a secret, never a config value.
      expect(
        problemsOf('ex', { send_url: 'https://x.example/', send_authorization: 'Token hunter2' }),
      ).toEqual(['config.send_authorization: is a secret here: give it as secrets.send_authorization']);
    });
  });

  describe('imi', () => {
    it('accepts the defaults with a service key', () => {
      expect(validateChannelConfig('imi', {}, { service_key: 'k' })).toEqual({ ok: true });
      expect(
        validateChannelConfig(
          'imi',
          { base_url: 'https://api.imiconnect.io', notify_url: 'https://gw.example.com/dr' },
          { service_key: 'k' },
        ),
      ).toEqual({ ok: true });
    });

    it('reports bad URLs and a missing service key', () => {
      expect(
        problemsOf('imi', { base_url: 'api.imiconnect.com', notify_url: 'javascript:alert(1)' }, {}),
      ).toEqual([
        'config.base_url: must be an http or https URL',
        'config.notify_url: must be an http or https URL',
        'secrets.service_key: is required',
      ]);
      expect(
        problemsOf('imi', { base_url: 'https://api.imiconnect.com/?x=1' }, { service_key: ' ' }),
      ).toEqual(['config.base_url: must not have a query or fragment', 'secrets.service_key: is required']);
    });
  });

  describe('template', () => {
    it('accepts the Ringotel seed SendMessage', () => {
      expect(validateChannelConfig('template', ringotel({}), {})).toEqual({ ok: true });
      expect(
        validateChannelConfig('template', ringotel({}, { auth: { type: 'bearer' } }), { token: 't' }),
      ).toEqual({ ok: true });
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      [
        'a bad method',
        ringotel({ request_method: 'PATCH' }),
        ['config.API.SendMessage.request_method: must be GET, POST or PUT'],
      ],
      [
        'a missing request_url',
        ringotel({ request_url: undefined }),
        ['config.API.SendMessage.request_url: is required'],
      ],
      [
        'a non-http request_url',
        ringotel({ request_url: 'file:///etc/passwd' }),
        ['config.API.SendMessage.request_url: must be an http or https URL'],
      ],
      [
        'a bad content type',
        ringotel({ request_content_type: 'text/plain' }),
        [
          'config.API.SendMessage.request_content_type: must be application/json or application/x-www-form-urlencoded',
        ],
      ],
      [
        'unknown placeholders, with their paths',
        ringotel({
          request_url: 'https://api.example.com/$domain$/send',
          request_parameters: { from: '$from$', extension: '$extension$', list: ['$to$', { x: '$orgid$' }] },
        }),
        [
          `config.API.SendMessage.request_url: unknown placeholder $domain$: ${noValue('domain')}`,
          `config.API.SendMessage.request_parameters.extension: unknown placeholder $extension$: ` +
            noValue('extension'),
          `config.API.SendMessage.request_parameters.list.1.x: unknown placeholder $orgid$: ${noValue('orgid')}`,
        ],
      ],
      [
        'a response_map without $messageid$',
        ringotel({ response_map: { data: { id: '$id$' } } }),
        ['config.API.SendMessage.response_map: must contain "$messageid$"'],
      ],
      [
        'a response_map with $messageid$ twice',
        ringotel({ response_map: { a: '$messageid$', b: ['$messageid$'] } }),
        ['config.API.SendMessage.response_map: must contain "$messageid$" once'],
      ],
      [
        'parameters that are not an object',
        ringotel({ request_parameters: ['a'] }),
        ['config.API.SendMessage.request_parameters: must be a JSON object'],
      ],
      ['a missing SendMessage', { API: {} }, ['config.API.SendMessage: is required']],
      ['a missing API', {}, ['config.API: is required']],
      [
        'an unknown auth type',
        ringotel({}, { auth: { type: 'digest' } }),
        ['config.auth.type: must be bearer, basic or none'],
      ],
    ])('reports %s', (_name, config, problems) => {
      expect(problemsOf('template', config, {})).toEqual(problems);
    });

    it("saves the seed's template verbatim once settings give $extension$ and $domain$ a value", () => {
      const seed = ringotelSeedTemplate('https://api.example.com/webhook', {
        extension: '101',
        domain: 'x.org',
      });
      expect(validateChannelConfig('template', seed, {})).toEqual({ ok: true });
      const { settings: _none, ...bare } = seed;
      expect(problemsOf('template', bare, {})).toEqual(
        ['SendMessage', 'SendFile'].flatMap((section) =>
          ['extension', 'domain'].map(
            (name) =>
              `config.API.${section}.request_parameters.${name}: unknown placeholder $${name}$: ${noValue(name)}`,
          ),
        ),
      );
    });

    it("fills no placeholder from Object.prototype's names", () => {
      expect(problemsOf('template', ringotel({ request_parameters: { x: '$constructor$' } }), {})).toEqual([
        `config.API.SendMessage.request_parameters.x: unknown placeholder $constructor$: ${noValue('constructor')}`,
      ]);
    });

    it.each<[string, unknown, string]>([
      [
        'a key that is no placeholder name',
        { 'ext-1': '1' },
        'config.settings.ext-1: keys must be 1-64 letters',
      ],
      ['a key smsgate fills', { from: '+1' }, 'config.settings.from: is filled by smsgate: it cannot be set'],
      ['a value that is no string', { extension: 101 }, 'config.settings.extension: must be a string'],
      [
        'a long value',
        { domain: 'x'.repeat(1001) },
        'config.settings.domain: must be at most 1000 characters',
      ],
      ['a list', ['101'], 'config.settings: must be an object of strings'],
    ])('refuses settings with %s', (_name, settings, problem) => {
      const config = ringotel({ request_parameters: { ext: '$extension$' } }, { settings });
      expect(problemsOf('template', config, {})[0]).toContain(problem);
    });

    it('reports the secrets the auth type needs, by name only', () => {
      expect(problemsOf('template', ringotel({}, { auth: { type: 'bearer' } }), {})).toEqual([
        'secrets.token: is required',
      ]);
      expect(problemsOf('template', ringotel({}, { auth: { type: 'basic' } }), { username: 'u' })).toEqual([
        'secrets.password: is required',
      ]);
    });

    it('reports a refused IP-literal destination', () => {
      expect(problemsOf('template', ringotel({ request_url: 'http://[::1]:8080/send' }), {})).toEqual([
        'config.API.SendMessage.request_url: ::1 is a loopback address (not allowed)',
      ]);
    });

    it('checks SendFile as SendMessage: its response_map and its destination', () => {
      const withFile = (sendFile: Record<string, unknown>) => {
        const config = ringotel({});
        return { ...config, API: { ...config.API, SendFile: { ...config.API.SendMessage, ...sendFile } } };
      };
      expect(validateChannelConfig('template', withFile({}), {})).toEqual({ ok: true });
      expect(problemsOf('template', withFile({ response_map: { id: '$id$' } }), {})).toEqual([
        'config.API.SendFile.response_map: must contain "$messageid$"',
      ]);
      expect(problemsOf('template', withFile({ request_url: 'http://[::1]:8080/file' }), {})).toEqual([
        'config.API.SendFile.request_url: ::1 is a loopback address (not allowed)',
      ]);
    });
  });

  describe('smpp', () => {
    it('accepts a bind with its password and reports the password by name when it is missing', () => {
      const config = { host: 'smsc.example.com', port: 2775, system_id: 'smsgate' };
      expect(validateChannelConfig('smpp', config, { password: 'p' })).toEqual({ ok: true });
      expect(problemsOf('smpp', config, {})).toEqual(['secrets.password: is required']);
    });

    it('reports a config that is not an object', () => {
      expect(problemsOf('smpp', 'host=smsc', { password: 'p' })).toEqual([
        expect.stringMatching(/^config: /),
      ]);
    });
  });

  /** A valid config and secrets of each type, for the keys every type may carry. */
  const valid = {
    ex: [{ send_url: 'https://x.example/' }, {}],
    imi: [{}, { service_key: 'k' }],
    template: [ringotel({}), {}],
    smpp: [{ host: 'smsc.example.com', system_id: 'smsgate' }, { password: 'p' }],
  } as const;
  const types = Object.keys(valid) as (keyof typeof valid)[];

  describe('keys nothing reads', () => {
    it.each(types)('refuses one on %s channels, naming it and the keys the type reads', (type) => {
      const [config, secrets] = valid[type];
      const problems = problemsOf(type, { ...config, tps: 5, colour: 'blue' }, secrets);
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(`^config\\.colour: is not a setting of ${type} channels \\(known: `),
        ),
      ]);
      expect(problems[0]).toContain('receipt_timeout_seconds');
      expect(problems[0]).toContain(Object.keys(config)[0] ?? 'tps');
    });

    it('points a secret given as config to secrets, on every type that has one', () => {
      expect(problemsOf('imi', { service_key: 'k' }, { service_key: 'k' })).toEqual([
        'config.service_key: is a secret here: give it as secrets.service_key',
      ]);
      expect(problemsOf('smpp', { ...valid.smpp[0], password: 'p' }, { password: 'p' })).toEqual([
        'config.password: is a secret here: give it as secrets.password',
      ]);
    });
  });

  describe('tps, which every type may carry', () => {
    it.each(types)('checks config.tps on %s channels', (type) => {
      const [config, secrets] = valid[type];
      expect(validateChannelConfig(type, { ...config, tps: 5 }, secrets)).toEqual({ ok: true });
      expect(validateChannelConfig(type, { ...config, tps: 0.5 }, secrets)).toEqual({ ok: true });
      expect(problemsOf(type, { ...config, tps: 0 }, secrets)).toEqual([
        'config.tps: must be greater than 0',
      ]);
      expect(problemsOf(type, { ...config, tps: '5' }, secrets)).toEqual(['config.tps: must be a number']);
    });

    it('reports tps after the problems of the type', () => {
      expect(problemsOf('ex', { method: 'DELETE', tps: -1 }, {})).toEqual([
        'config.send_url: is required',
        'config.method: must be GET, POST or PUT',
        'config.tps: must be greater than 0',
      ]);
    });
  });

  describe('receipt_timeout_seconds, which every type may carry', () => {
    it.each(types)('checks it on %s channels', (type) => {
      const [config, secrets] = valid[type];
      for (const seconds of [1, 3_600, 30 * 24 * 3_600, 0])
        expect(validateChannelConfig(type, { ...config, receipt_timeout_seconds: seconds }, secrets)).toEqual(
          {
            ok: true,
          },
        );
      expect(problemsOf(type, { ...config, receipt_timeout_seconds: -1 }, secrets)).toEqual([
        'config.receipt_timeout_seconds: must be at least 0 (0: never time out)',
      ]);
      expect(problemsOf(type, { ...config, receipt_timeout_seconds: 1.5 }, secrets)).toEqual([
        'config.receipt_timeout_seconds: must be a whole number of seconds',
      ]);
      expect(problemsOf(type, { ...config, receipt_timeout_seconds: '48h' }, secrets)).toEqual([
        'config.receipt_timeout_seconds: must be a number of seconds',
      ]);
      expect(problemsOf(type, { ...config, receipt_timeout_seconds: 31 * 24 * 3_600 }, secrets)).toEqual([
        'config.receipt_timeout_seconds: must be at most 2592000 (30 days)',
      ]);
    });
  });

  describe('receiptTimeoutOf', () => {
    it('is 48 hours unless the channel says otherwise, and null when turned off with 0', () => {
      expect(receiptTimeoutOf({})).toBe(172_800);
      expect(receiptTimeoutOf(undefined)).toBe(DEFAULT_RECEIPT_TIMEOUT_SECONDS);
      expect(receiptTimeoutOf({ receipt_timeout_seconds: 90 })).toBe(90);
      expect(receiptTimeoutOf({ receipt_timeout_seconds: 0 })).toBeNull();
      expect(receiptTimeoutOf({ receipt_timeout_seconds: 'soon' })).toBe(172_800);
    });
  });

  it('never quotes a secret or config value in a problem', () => {
    const secrets = { service_key: 'imi-key-value', token: 'tok-value', send_authorization: 'auth-value' };
    const all = [
      ...problemsOf('ex', { send_url: 'https://x.example/', method: 'hunter2-method' }, secrets),
      ...problemsOf('imi', { base_url: 'hunter2-url' }, secrets),
      ...problemsOf('smpp', { host: 'hunter2-host', port: 'hunter2-port', bind: 'hunter2' }, secrets),
      ...problemsOf(
        'template',
        ringotel({ request_method: 'hunter2' }, { auth: { type: 'basic' } }),
        secrets,
      ),
    ];
    expect(all.length).toBeGreaterThan(0);
    expect(all.join('\n')).not.toMatch(/hunter2|imi-key-value|tok-value|auth-value/);
  });

  describe('secrets', () => {
    it.each<[ChannelType, unknown, Record<string, string>, string]>([
      [
        'ex',
        { send_url: 'https://x.example/' },
        { password: 'p' },
        'ex channel (its secrets: send_authorization)',
      ],
      ['imi', {}, { service_key: 'k', token: 't' }, 'imi channel (its secrets: service_key)'],
      [
        'template',
        ringotel({}, { auth: { type: 'bearer' } }),
        { token: 't', password: 'p' },
        'template channel (its secrets: token)',
      ],
    ])(
      'refuses a secret a %s channel never reads, naming it and those it reads',
      (type, config, secrets, reads) => {
        const unknown = Object.keys(secrets).filter((name) => !reads.includes(name));
        expect(problemsOf(type, config, secrets)).toEqual(
          unknown.map((name) => `secrets.${name}: is not read by this ${reads}: leave it out`),
        );
      },
    );

    it('refuses an smpp secret other than the bind password', () => {
      expect(
        problemsOf(
          'smpp',
          { host: 'smsc.example.com', system_id: 'smsgate' },
          { password: 'p', system_type: 'x' },
        ),
      ).toContain(
        'secrets.system_type: is not read by this smpp channel (its secrets: password): leave it out',
      );
    });

    it('accepts exactly the secrets a channel reads', () => {
      expect(
        validateChannelConfig('ex', { send_url: 'https://x.example/' }, { send_authorization: 'T' }),
      ).toEqual({
        ok: true,
      });
      expect(validateChannelConfig('template', ringotel({}), {})).toEqual({ ok: true });
    });
  });
});
