import { apiKeyPrefix, bearerToken, generateApiKey, hashApiKey, safeEqual } from './api-keys';

describe('generateApiKey', () => {
  it('is `sg_` followed by 32 random bytes in base64url', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^sg_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
  });

  it('gives a different key every time', () => {
    const keys = Array.from({ length: 1_000 }, generateApiKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is a token bearerToken reads back unchanged', () => {
    const key = generateApiKey();
    expect(bearerToken(`Bearer ${key}`)).toBe(key);
  });
});

describe('hashApiKey', () => {
  it('is the lower-case hex SHA-256 of the key', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('is stable, so a key can be looked up by its hash', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs for keys that differ in one character', () => {
    expect(hashApiKey('sg_aaaa')).not.toBe(hashApiKey('sg_aaab'));
  });

  it('hashes the key as UTF-8', () => {
    expect(hashApiKey('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });
});

describe('apiKeyPrefix', () => {
  it('is the first 10 characters, enough to recognise a key without revealing it', () => {
    expect(apiKeyPrefix('sg_abcdefghijklmnop')).toBe('sg_abcdefg');
    expect(apiKeyPrefix(generateApiKey())).toMatch(/^sg_[A-Za-z0-9_-]{7}$/);
  });
});

describe('bearerToken', () => {
  it.each<[string, string]>([
    ['Bearer sg_abc', 'sg_abc'],
    ['bearer sg_abc', 'sg_abc'],
    ['BEARER sg_abc', 'sg_abc'],
    ['bEaReR sg_abc', 'sg_abc'],
    ['Bearer    sg_abc', 'sg_abc'],
    ['Bearer\tsg_abc', 'sg_abc'],
    ['Bearer sg_abc  ', 'sg_abc'],
    ['Bearer sg_a.b-c_d=', 'sg_a.b-c_d='],
  ])('reads the token from %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    '',
    'sg_abc',
    'Bearer',
    'Bearer ',
    'Bearer    ',
    'Bearersg_abc',
    'Basic dXNlcjpwYXNz',
    'Token sg_abc',
    'Bearer sg_abc sg_def',
    'Bearer sg_abc, Bearer sg_def',
    'xBearer sg_abc',
  ])('finds no token in %j', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });

  it('finds no token when there is no header', () => {
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('reads the first header when it was sent more than once', () => {
    expect(bearerToken(['Bearer first', 'Bearer second'])).toBe('first');
    expect(bearerToken(['Basic x', 'Bearer second'])).toBeUndefined();
    expect(bearerToken([])).toBeUndefined();
  });
});

describe('safeEqual', () => {
  it('is true for equal strings', () => {
    const key = generateApiKey();
    expect(safeEqual(key, key.slice(0))).toBe(true);
    expect(safeEqual('admin-token', 'admin-token')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
  });

  it('is false for strings that differ', () => {
    expect(safeEqual('admin-token-1234', 'admin-token-1235')).toBe(false);
    expect(safeEqual('Admin-token', 'admin-token')).toBe(false);
  });

  it('is false, without throwing, for strings of different lengths', () => {
    expect(safeEqual('admin-token', 'admin-token-and-more')).toBe(false);
    expect(safeEqual('admin-token', '')).toBe(false);
    expect(safeEqual('', 'admin-token')).toBe(false);
  });
});
