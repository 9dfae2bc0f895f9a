import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const newKey = (bytes = 32): string => randomBytes(bytes).toString('base64');

const SECRETS = { password: 'hunter2', api_key: 'sk_live_ÄÖÜ-✓', empty: '' };

const IV = 1;
const TAG = 2;
const DATA = 3;

/** Applies `change` to one base64url part of a sealed value and puts it back together. */
const withPart = (sealed: string, index: number, change: (bytes: Buffer) => Buffer): string => {
  const parts = sealed.split('.');
  parts[index] = change(Buffer.from(parts[index] ?? '', 'base64url')).toString('base64url');
  return parts.join('.');
};

const flipFirstBit = (bytes: Buffer): Buffer => {
  const copy = Buffer.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 1;
  return copy;
};

describe('SecretBox', () => {
  const box = new SecretBox(newKey());

  it('opens what it sealed', () => {
    expect(box.open(box.seal(SECRETS))).toEqual(SECRETS);
  });

  it('opens an empty set of secrets', () => {
    expect(box.open(box.seal({}))).toEqual({});
  });

  it('opens with another instance built from the same key', () => {
    const key = newKey();
    expect(new SecretBox(key).open(new SecretBox(key).seal(SECRETS))).toEqual(SECRETS);
  });

  it('stores v1.<iv>.<tag>.<ciphertext> in base64url with a 12-byte iv and a 16-byte tag', () => {
    const sealed = box.seal(SECRETS);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const [, iv, tag] = sealed.split('.');
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
  });

  it('does not contain the plaintext in any readable form', () => {
    const sealed = box.seal({ password: 'hunter2hunter2' });
    expect(sealed).not.toContain('hunter2');
    expect(Buffer.from(sealed.split('.')[DATA] ?? '', 'base64url').toString('utf8')).not.toContain('hunter2');
  });

  it('seals the same value differently every time', () => {
    const first = box.seal(SECRETS);
    const second = box.seal(SECRETS);
    expect(first).not.toBe(second);
    expect(first.split('.')[IV]).not.toBe(second.split('.')[IV]);
    expect(box.open(first)).toEqual(box.open(second));
  });

  it('fails to open with a different key', () => {
    const sealed = box.seal(SECRETS);
    expect(() => new SecretBox(newKey()).open(sealed)).toThrow();
  });

  it.each([
    ['ciphertext', DATA],
    ['authentication tag', TAG],
    ['iv', IV],
  ])('fails to open when the %s is tampered with', (_part, index) => {
    const tampered = withPart(box.seal(SECRETS), index, flipFirstBit);
    expect(() => box.open(tampered)).toThrow();
  });

  it('fails to open a ciphertext that was cut short', () => {
    const truncated = withPart(box.seal(SECRETS), DATA, (bytes) => bytes.subarray(0, bytes.length - 1));
    expect(() => box.open(truncated)).toThrow();
  });

  it('fails to open parts spliced from two seals', () => {
    const first = box.seal({ password: 'a' }).split('.');
    const second = box.seal({ password: 'b' }).split('.');
    const spliced = [first[0], first[IV], first[TAG], second[DATA]].join('.');
    expect(() => box.open(spliced)).toThrow();
  });

  // Known bug: GCM accepts a truncated tag unless authTagLength is fixed, so a 4-byte prefix of the
  // real tag still opens the value and forgery needs only 2^32 tries. Remove `.failing` once fixed.
  it('fails to open when the authentication tag is truncated', () => {
    const truncated = withPart(box.seal(SECRETS), TAG, (bytes) => bytes.subarray(0, 4));
    expect(() => box.open(truncated)).toThrow();
  });

  it.each(['', 'plain text', 'v2.aaaa.bbbb.cccc', 'v1.aaaa.bbbb', 'v1..bbbb.cccc', 'v1.aaaa..cccc'])(
    'refuses %j as an unknown secret format',
    (sealed) => {
      expect(() => box.open(sealed)).toThrow('unknown secret format');
    },
  );

  it.each([
    ['a 16-byte key', newKey(16)],
    ['a 31-byte key', newKey(31)],
    ['a 33-byte key', newKey(33)],
    ['a 64-byte key', newKey(64)],
    ['an empty key', ''],
    ['a passphrase that is not base64 of 32 bytes', 'correct horse battery staple'],
  ])('refuses %s', (_case, key) => {
    expect(() => new SecretBox(key)).toThrow('SECRETS_KEY must be 32 bytes, base64-encoded');
  });
});
