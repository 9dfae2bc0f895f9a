import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * SMPP 3.4 passwords are at most 8 octets (a 9-octet C-Octet String with its NUL), too short to store
 * with a fast hash: they are kept as scrypt hashes, `scrypt$N$r$p$salt$hash` (salt and hash base64url),
 * so the cost can rise later without breaking the hashes already stored.
 */
export const SMPP_PASSWORD_LENGTH = 8;

/** Letters and digits without the look-alikes (0 O o, 1 I l): safe to read out and to put in any config file. */
export const SMPP_PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

const COST = { N: 16_384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds for parameters read back from a stored hash, so a tampered row cannot make verification hang. */
const MAX_N = 1 << 17;
const MAX_R = 16;
const MAX_P = 4;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** A new password: 8 characters from {@link SMPP_PASSWORD_ALPHABET}, each drawn uniformly. */
export function generateSmppPassword(): string {
  let password = '';
  for (let i = 0; i < SMPP_PASSWORD_LENGTH; i++) {
    password += SMPP_PASSWORD_ALPHABET[randomInt(SMPP_PASSWORD_ALPHABET.length)];
  }
  return password;
}

/** The password's scrypt hash with a random salt; runs on libuv's thread pool. */
export async function hashSmppPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `password` is the one `stored` was made from, compared in constant time. False, never an
 * error, for a stored value that is not a hash this function knows.
 */
export async function verifySmppPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed.cost);
  return timingSafeEqual(key, parsed.key);
}

interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[1-9][0-9]{0,7}$/.test(part) ? Number(part) : 0));
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return undefined;
  if (!B64URL.test(parts[4]) || !B64URL.test(parts[5])) return undefined;
  const salt = Buffer.from(parts[4], 'base64url');
  const key = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 64) return undefined;
  return { cost: { N, r, p }, salt, key };
}

function derive(password: string, salt: Buffer, length: number, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs about 128 * N * r bytes; the default limit (32 MiB) is too low for the larger N allowed.
  const maxmem = 256 * cost.N * cost.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { ...cost, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}
