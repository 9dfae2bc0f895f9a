import { scryptSync } from 'node:crypto';
import {
  generateSmppPassword,
  hashSmppPassword,
  SMPP_PASSWORD_ALPHABET,
  verifySmppPassword,
} from './smpp-passwords';

describe('generateSmppPassword', () => {
  it('is 8 characters of the safe alphabet, which fits SMPP 3.4’s password field', () => {
    for (let i = 0; i < 200; i++) {
      const password = generateSmppPassword();
      expect(password).toMatch(/^[A-Za-z2-9]{8}$/);
      expect(Buffer.byteLength(password, 'ascii')).toBe(8);
      expect([...password].every((char) => SMPP_PASSWORD_ALPHABET.includes(char))).toBe(true);
    }
  });

  it('leaves out the look-alikes', () => {
    for (const char of '0Oo1Il') expect(SMPP_PASSWORD_ALPHABET).not.toContain(char);
    expect(new Set(SMPP_PASSWORD_ALPHABET).size).toBe(SMPP_PASSWORD_ALPHABET.length);
  });

  it('differs every time and uses the whole alphabet', () => {
    const passwords = Array.from({ length: 2_000 }, generateSmppPassword);
    expect(new Set(passwords).size).toBe(passwords.length);
    expect(new Set(passwords.join('')).size).toBe(SMPP_PASSWORD_ALPHABET.length);
  });
});

describe('hashSmppPassword', () => {
  it('is scrypt$N$r$p$salt$hash with a 16-byte salt and a 32-byte key', async () => {
    const hash = await hashSmppPassword('Xy7pQr2m');
    const [name, N, r, p, salt, key] = hash.split('$');
    expect([name, N, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(hash).not.toContain('Xy7pQr2m');
  });

  it('is the scrypt of the password with the salt it names', async () => {
    const hash = await hashSmppPassword('Xy7pQr2m');
    const [, , , , salt, key] = hash.split('$');
    const expected = scryptSync('Xy7pQr2m', Buffer.from(salt, 'base64url'), 32, { N: 16_384, r: 8, p: 1 });
    expect(Buffer.from(key, 'base64url').equals(expected)).toBe(true);
  });

  it('salts: the same password twice gives two hashes', async () => {
    expect(await hashSmppPassword('Xy7pQr2m')).not.toBe(await hashSmppPassword('Xy7pQr2m'));
  });
});

describe('verifySmppPassword', () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashSmppPassword('Xy7pQr2m');
  });

  it('accepts the password the hash was made from', async () => {
    expect(await verifySmppPassword('Xy7pQr2m', stored)).toBe(true);
  });

  it.each(['Xy7pQr2n', 'xy7pQr2m', 'Xy7pQr2', 'Xy7pQr2mm', '', 'Xy7pQr2m '])('refuses %j', async (wrong) => {
    expect(await verifySmppPassword(wrong, stored)).toBe(false);
  });

  it('reads the cost from the hash, so hashes made at another cost still verify', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('secret12', salt, 32, { N: 1_024, r: 4, p: 2 });
    const older = `scrypt$1024$4$2$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifySmppPassword('secret12', older)).toBe(true);
    expect(await verifySmppPassword('secret13', older)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['another scheme', hashLine('bcrypt')],
    ['too few fields', 'scrypt$16384$8$1$c2FsdHNhbHQ'],
    ['N not a power of two', hashLine('scrypt', '1000')],
    ['N beyond the bound', hashLine('scrypt', String(1 << 20))],
    ['r of zero', hashLine('scrypt', '16384', '0')],
    ['p beyond the bound', hashLine('scrypt', '16384', '8', '64')],
    ['a salt that is not base64url', 'scrypt$16384$8$1$c2Fsd*Rz$' + 'a'.repeat(43)],
    ['a short key', 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$YWJj'],
  ])('is false, without throwing, for a stored value that is %s', async (_label, bad) => {
    expect(await verifySmppPassword('Xy7pQr2m', bad)).toBe(false);
  });
});

/** A well-formed hash line with some of its fields replaced. */
function hashLine(name: string, N = '16384', r = '8', p = '1'): string {
  return [
    name,
    N,
    r,
    p,
    Buffer.alloc(16, 1).toString('base64url'),
    Buffer.alloc(32, 2).toString('base64url'),
  ].join('$');
}
