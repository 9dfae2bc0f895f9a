import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new workspace API key: `sg_` and 32 random bytes. Only its hash is stored. */
export const generateApiKey = (): string => `sg_${randomBytes(32).toString('base64url')}`;

/** API keys are long random strings, so a plain SHA-256 is enough and lets us look keys up by hash. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export const apiKeyPrefix = (key: string): string => key.slice(0, 10);

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}

export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
