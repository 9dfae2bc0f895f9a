import { MAX_OUTBOUND_TEXT } from '@smsgate/contracts';

/** A variable's name, in a `$(name)` placeholder, a request's `variables` or a profile's fields. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const PLACEHOLDER = /\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g;

/** The distinct variable names a text's placeholders use. */
export function placeholderNames(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1]))];
}

export type Substitution = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Replaces `$(name)` placeholders (IMIconnect's syntax) with per-destination values. The result must
 * still be a text the send path carries (1 to MAX_OUTBOUND_TEXT characters, or none when the message
 * carries attachments): that destination is rejected with a reason rather than the request failing when
 * its event is refused.
 */
export function substitute(
  template: string,
  variables: Record<string, string>,
  emptyAllowed = false,
): Substitution {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(variables, name)) return variables[name];
    missing.add(name);
    return whole;
  });
  if (missing.size > 0)
    return { ok: false, reason: `no value for variable ${[...missing].map((n) => `$(${n})`).join(', ')}` };
  if (text.length === 0 && !emptyAllowed)
    return { ok: false, reason: 'the text is empty once its variables are filled in' };
  if (text.length > MAX_OUTBOUND_TEXT)
    return {
      ok: false,
      reason: `the text is longer than ${MAX_OUTBOUND_TEXT} characters once its variables are filled in`,
    };
  return { ok: true, text };
}
