import type { z } from 'zod';

export type PathSegment = string | number;

/** A problem as the API shows it: the JSON path from the channel (`config.…`, `secrets.…`), then why. */
export function problemAt(path: readonly PathSegment[], message: string): string {
  return `${path.map(String).join('.')}: ${message}`;
}

export function problemsOfZod(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) =>
    problemAt(
      [root, ...issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol')],
      // A record key's own message sits inside zod's generic "Invalid key in record".
      (issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined) ?? issue.message,
    ),
  );
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Secrets the adapter needs: a problem per missing or empty one, naming it and never a value. */
export function missingSecrets(secrets: Record<string, string>, names: readonly string[]): string[] {
  return names
    .filter((name) => typeof secrets[name] !== 'string' || secrets[name].trim() === '')
    .map((name) => problemAt(['secrets', name], 'is required'));
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** application/x-www-form-urlencoded escaping as Go's url.QueryEscape does it (RapidPro's courier). */
export function formEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The methods a channel may send with. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const METHOD_PROBLEM = 'must be GET, POST or PUT';

/** Accepts a method in any case, as people type it. */
export function upperCase(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toUpperCase() : value;
}
