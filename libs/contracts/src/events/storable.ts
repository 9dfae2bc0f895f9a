import { z } from 'zod';

/**
 * Text PostgreSQL can store as it is: no NUL (U+0000), which a `text` or `jsonb` value cannot hold, and
 * no UTF-16 surrogate without its pair, which would be stored as U+FFFD (silently changed). With the
 * `u` flag a well-formed pair is one code point outside the surrogate range, so only lone halves match.
 */
export const UNSTORABLE_CHARACTER = /[\0\uD800-\uDFFF]/u;
export const STORABLE_TEXT = /^[^\0\uD800-\uDFFF]*$/u;

export const UNSTORABLE_REASON = 'must not contain NUL (U+0000) or an unpaired UTF-16 surrogate';

export const isStorable = (value: string): boolean => !UNSTORABLE_CHARACTER.test(value);

/**
 * A string field of an event: refused when PostgreSQL could not store it, so such an event is dead-lettered
 * as invalid by its first consumer (before anything is sent) instead of failing where it is stored. One
 * regex test per string; exported to JSON Schema as a `pattern`.
 */
export const StoredText = z.string().regex(STORABLE_TEXT, UNSTORABLE_REASON);
