import { randomBytes } from 'node:crypto';

/** A client's link id: IMIconnect's `linkid`, a number or a short name. */
export const LINK_ID = /^[A-Za-z0-9_.-]{1,64}$/;
export const LINK_PLACEHOLDER = /\{\{link_([^{}]*)\}\}/g;
export const CODE_LENGTH = 10;
const CODE = /^[0-9A-Za-z]{10}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** IMIconnect's `validity` is in minutes; at most a year here, 30 days when a request leaves it out. */
export const MAX_VALIDITY_MINUTES = 525_600;
export const DEFAULT_VALIDITY_MINUTES = 43_200;
const MAX_SMARTLINKS = 20;

/** 10 base62 characters (about 59 bits) from the system's CSPRNG: not guessable from another code. */
export function newCode(): string {
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const byte of randomBytes(16)) {
      // 248 = 4 × 62: bytes above it are dropped so every character is equally likely.
      if (byte < 248 && code.length < CODE_LENGTH) code += ALPHABET[byte % 62];
    }
  }
  return code;
}

export const isCode = (value: string): boolean => CODE.test(value);

/** The link ids a text's `{{link_<id>}}` placeholders name, each once. */
export const linkIdsIn = (text: string): string[] => [
  ...new Set([...text.matchAll(LINK_PLACEHOLDER)].map((match) => match[1])),
];

/** A numeric linkid (IMIconnect's are) and its string form are the same link. */
export function linkIdOf(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  return typeof value === 'string' && LINK_ID.test(value) ? value : undefined;
}

export type ParsedSmartlinks = { ok: true; validity: Map<string, number> } | { ok: false; reason: string };

/** `channels.smartlinks`: `[{linkid, validity?}]`, validity in whole minutes. */
export function parseSmartlinks(value: unknown): ParsedSmartlinks {
  const refuse = (reason: string): ParsedSmartlinks => ({
    ok: false,
    reason: `param 'smartlinks' ${reason}`,
  });
  if (value === undefined) return { ok: true, validity: new Map() };
  if (!Array.isArray(value)) return refuse('must be an array of {linkid, validity}');
  if (value.length > MAX_SMARTLINKS) return refuse(`has more than ${MAX_SMARTLINKS} entries`);
  const validity = new Map<string, number>();
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return refuse('must be an array of {linkid, validity}');
    const { linkid, validity: minutes, ...rest } = entry as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) return refuse(`has an unknown field '${unknown.slice(0, 64)}'`);
    const id = linkIdOf(linkid);
    if (id === undefined) return refuse('linkid must be a whole number or 1 to 64 of A-Z a-z 0-9 _ . -');
    if (validity.has(id)) return refuse(`names linkid ${id} twice`);
    const parsed = minutes === undefined ? DEFAULT_VALIDITY_MINUTES : Number(minutes);
    if (
      (typeof minutes !== 'number' && typeof minutes !== 'string' && minutes !== undefined) ||
      !Number.isInteger(parsed) ||
      parsed < 1 ||
      parsed > MAX_VALIDITY_MINUTES
    )
      return refuse(`validity of linkid ${id} must be whole minutes from 1 to ${MAX_VALIDITY_MINUTES}`);
    validity.set(id, parsed);
  }
  return { ok: true, validity };
}

/** Why a text's placeholders cannot be filled from `validity`, or undefined when they can. */
export function unfilledPlaceholder(text: string, validity: Map<string, number>): string | undefined {
  const missing = linkIdsIn(text).find((id) => !validity.has(id));
  if (missing === undefined) return undefined;
  return `{{link_${missing.slice(0, 64)}}} has no entry in channels.smartlinks`;
}
