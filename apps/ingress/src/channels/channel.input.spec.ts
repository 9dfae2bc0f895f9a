import type { z } from 'zod';
import { CreateChannel, UpdateChannel } from './channel.input';

/** `path: message` for every issue, so a test can say which field failed and why. */
const problemsOf = (result: z.ZodSafeParseResult<unknown>): string[] =>
  result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

const SECRET_MESSAGE = 'looks like it holds a secret: put credentials in `secrets`';

const SECRET_LOOKING_KEYS = [
  'password',
  'Password',
  'smpp_password',
  'passwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'authToken',
  'api_key',
  'apikey',
  'apiKey',
  'API_KEY',
  'Authorization',
  'authorisation',
  'credentials',
  'X-API-Key',
  'private_key',
  'auth',
];

describe('CreateChannel', () => {
  it('accepts a minimal channel and fills in an empty config and enabled', () => {
    expect(CreateChannel.parse({ type: 'ex', name: 'Safaricom' })).toEqual({
      type: 'ex',
      name: 'Safaricom',
      config: {},
      enabled: true,
    });
  });

  it('keeps every field of a full channel', () => {
    const input = {
      type: 'smpp',
      name: 'Airtel bind',
      address: '22141',
      country: 'KE',
      config: { host: 'smpp.example.com', port: 2775, system_type: '' },
      secrets: { password: 's3cret' },
      enabled: false,
    };
    expect(CreateChannel.parse(input)).toEqual(input);
  });

  it.each(['ex', 'imi', 'template', 'smpp'])('accepts the channel type %j', (type) => {
    expect(CreateChannel.safeParse({ type, name: 'x' }).success).toBe(true);
  });

  it('rejects an unknown channel type', () => {
    const result = CreateChannel.safeParse({ type: 'twilio', name: 'x' });
    expect(result.success).toBe(false);
    expect(problemsOf(result)).toEqual([expect.stringMatching(/^type: /)]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['type', { name: 'x' }],
    ['name', { type: 'ex' }],
  ])('requires %s', (field, input) => {
    expect(problemsOf(CreateChannel.safeParse(input))).toEqual([
      expect.stringMatching(new RegExp(`^${field}: `)),
    ]);
  });

  it.each([
    ['id', { id: '0190a5c6-0000-7000-8000-000000000000' }],
    ['secretFields', { secretFields: ['password'] }],
    ['workspaceId', { workspaceId: 'w' }],
    ['a misspelt field', { adress: '22141' }],
  ])('rejects an unknown field (%s) instead of dropping it', (_case, extra) => {
    const result = CreateChannel.safeParse({ type: 'ex', name: 'x', ...extra });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: Object.keys(extra) }),
    ]);
  });

  describe('name and address', () => {
    it('trims the name and the address', () => {
      expect(CreateChannel.parse({ type: 'ex', name: '  Safaricom ', address: ' 22141 ' })).toMatchObject({
        name: 'Safaricom',
        address: '22141',
      });
    });

    it.each(['', '   '])('rejects the blank name %j', (name) => {
      expect(problemsOf(CreateChannel.safeParse({ type: 'ex', name }))).toEqual([
        expect.stringMatching(/^name: /),
      ]);
    });

    it('accepts a name of 100 characters and rejects one of 101', () => {
      expect(CreateChannel.safeParse({ type: 'ex', name: 'n'.repeat(100) }).success).toBe(true);
      expect(problemsOf(CreateChannel.safeParse({ type: 'ex', name: 'n'.repeat(101) }))).toEqual([
        expect.stringMatching(/^name: /),
      ]);
    });

    it('rejects a blank address and one longer than 32 characters', () => {
      expect(problemsOf(CreateChannel.safeParse({ type: 'ex', name: 'x', address: ' ' }))).toEqual([
        expect.stringMatching(/^address: /),
      ]);
      expect(problemsOf(CreateChannel.safeParse({ type: 'ex', name: 'x', address: '1'.repeat(33) }))).toEqual(
        [expect.stringMatching(/^address: /)],
      );
    });
  });

  describe('country', () => {
    it.each(['ke', 'Ke', 'KE'])('upper-cases %j to KE', (country) => {
      expect(CreateChannel.parse({ type: 'ex', name: 'x', country })).toMatchObject({ country: 'KE' });
    });

    it('rejects a two-letter code that is not a country', () => {
      expect(problemsOf(CreateChannel.safeParse({ type: 'ex', name: 'x', country: 'XX' }))).toEqual([
        'country: is not a known country',
      ]);
    });

    it.each(['KEN', 'K', '', ' KE', '25', 'K3'])('rejects %j as not an alpha-2 code', (country) => {
      expect(problemsOf(CreateChannel.safeParse({ type: 'ex', name: 'x', country }))).toEqual([
        'country: must be an ISO 3166 alpha-2 code',
      ]);
    });

    it('rejects a null country on create', () => {
      expect(CreateChannel.safeParse({ type: 'ex', name: 'x', country: null }).success).toBe(false);
    });
  });

  describe('config', () => {
    it('accepts ordinary settings of any JSON type', () => {
      const config = { url: 'https://aggregator.example/send', sender_id: 'ACME', retries: 3, dlr: true };
      expect(CreateChannel.parse({ type: 'ex', name: 'x', config })).toMatchObject({ config });
    });

    it.each(SECRET_LOOKING_KEYS)('rejects the config key %j as looking like a secret', (key) => {
      const result = CreateChannel.safeParse({ type: 'ex', name: 'x', config: { url: 'u', [key]: 'v' } });
      expect(problemsOf(result)).toEqual([`config: ${key} ${SECRET_MESSAGE}`]);
    });

    it('finds secret-looking keys in nested objects and arrays, naming their path', () => {
      const config = { headers: { Authorization: 'Bearer x' }, hops: [{ token: 't' }] };
      expect(problemsOf(CreateChannel.safeParse({ type: 'ex', name: 'x', config }))).toEqual([
        `config: headers.Authorization ${SECRET_MESSAGE}`,
        `config: hops.0.token ${SECRET_MESSAGE}`,
      ]);
    });

    it("accepts a template's auth type, which names the secrets to use and holds none", () => {
      const config = { API: { SendMessage: {} }, auth: { type: 'bearer' } };
      expect(CreateChannel.parse({ type: 'template', name: 'x', config })).toMatchObject({ config });
    });

    it.each([{ type: 'basic', username: 'u' }, { type: 'bearer', value: 't' }, { type: 1 }])(
      'rejects an auth object that could hold a credential (%j)',
      (auth) => {
        expect(
          problemsOf(CreateChannel.safeParse({ type: 'template', name: 'x', config: { auth } })),
        ).toEqual([`config: auth ${SECRET_MESSAGE}`]);
      },
    );

    it.each(['bypass_dlr', 'passthrough', 'keyword', 'monkey_patch'])(
      'accepts the harmless key %j',
      (key) => {
        expect(CreateChannel.safeParse({ type: 'ex', name: 'x', config: { [key]: true } }).success).toBe(
          true,
        );
      },
    );

    it('rejects an empty config key', () => {
      const result = CreateChannel.safeParse({ type: 'ex', name: 'x', config: { '': 'v' } });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path[0]).toBe('config');
    });

    it('rejects a config that is not an object', () => {
      for (const config of [null, 'url=x', ['url']]) {
        expect(CreateChannel.safeParse({ type: 'ex', name: 'x', config }).success).toBe(false);
      }
    });
  });

  describe('secrets', () => {
    it('accepts credentials under secrets, the place the config check points to', () => {
      const secrets = { password: 'p', api_key: 'k', Authorization: 'Bearer t' };
      expect(CreateChannel.parse({ type: 'ex', name: 'x', secrets })).toMatchObject({ secrets });
    });

    it('leaves secrets out when none are given', () => {
      expect(CreateChannel.parse({ type: 'ex', name: 'x' })).not.toHaveProperty('secrets');
    });

    it('rejects a secret that is not a string', () => {
      for (const value of [123, null, { nested: 'x' }]) {
        const result = CreateChannel.safeParse({ type: 'ex', name: 'x', secrets: { password: value } });
        expect(problemsOf(result)).toEqual([expect.stringMatching(/^secrets\.password: /)]);
      }
    });

    it('accepts a secret of 4 096 characters and rejects one of 4 097', () => {
      const of = (length: number) =>
        CreateChannel.safeParse({ type: 'ex', name: 'x', secrets: { password: 'p'.repeat(length) } });
      expect(of(4_096).success).toBe(true);
      expect(problemsOf(of(4_097))).toEqual([expect.stringMatching(/^secrets\.password: /)]);
    });

    it('rejects an empty secret name and one longer than 64 characters', () => {
      expect(CreateChannel.safeParse({ type: 'ex', name: 'x', secrets: { '': 'v' } }).success).toBe(false);
      expect(
        CreateChannel.safeParse({ type: 'ex', name: 'x', secrets: { ['k'.repeat(65)]: 'v' } }).success,
      ).toBe(false);
    });
  });

  it('rejects a non-boolean enabled', () => {
    expect(problemsOf(CreateChannel.safeParse({ type: 'ex', name: 'x', enabled: 'yes' }))).toEqual([
      expect.stringMatching(/^enabled: /),
    ]);
  });
});

describe('UpdateChannel', () => {
  it('accepts an empty patch and fills in no defaults, so nothing is changed', () => {
    expect(UpdateChannel.parse({})).toEqual({});
  });

  it('keeps only the fields given', () => {
    expect(UpdateChannel.parse({ enabled: false })).toEqual({ enabled: false });
    expect(UpdateChannel.parse({ name: ' Renamed ' })).toEqual({ name: 'Renamed' });
  });

  it('clears the address and the country with null', () => {
    expect(UpdateChannel.parse({ address: null, country: null })).toEqual({ address: null, country: null });
  });

  it.each(['name', 'config', 'enabled', 'secrets'])('rejects a null %s, which cannot be cleared', (field) => {
    const result = UpdateChannel.safeParse({ [field]: null });
    expect(problemsOf(result)).toEqual([expect.stringMatching(new RegExp(`^${field}: `))]);
  });

  it('removes a secret with a null value and sets another in the same patch', () => {
    expect(UpdateChannel.parse({ secrets: { api_key: null, token: 'new' } })).toEqual({
      secrets: { api_key: null, token: 'new' },
    });
  });

  it('rejects a non-string, non-null secret value', () => {
    expect(problemsOf(UpdateChannel.safeParse({ secrets: { token: 42 } }))).toEqual([
      expect.stringMatching(/^secrets\.token: /),
    ]);
  });

  it('upper-cases and validates the country as on create', () => {
    expect(UpdateChannel.parse({ country: 'ug' })).toEqual({ country: 'UG' });
    expect(problemsOf(UpdateChannel.safeParse({ country: 'XX' }))).toEqual([
      'country: is not a known country',
    ]);
  });

  it('rejects secret-looking config keys as on create', () => {
    expect(problemsOf(UpdateChannel.safeParse({ config: { password: 'p' } }))).toEqual([
      `config: password ${SECRET_MESSAGE}`,
    ]);
  });

  it.each([
    ['type', { type: 'imi' }],
    ['secretFields', { secretFields: [] }],
    ['a misspelt field', { enable: true }],
  ])('rejects an unknown or unchangeable field (%s)', (_case, patch) => {
    const result = UpdateChannel.safeParse(patch);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: Object.keys(patch) }),
    ]);
  });
});
