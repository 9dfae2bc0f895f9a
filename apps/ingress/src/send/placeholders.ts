const PLACEHOLDER = /\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g;

export type Substitution = { ok: true; text: string } | { ok: false; reason: string };

/** Replaces `$(name)` placeholders (IMIconnect's syntax) with per-destination values. */
export function substitute(template: string, variables: Record<string, string>): Substitution {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(variables, name)) return variables[name];
    missing.add(name);
    return whole;
  });
  return missing.size > 0
    ? { ok: false, reason: `no value for variable ${[...missing].map((n) => `$(${n})`).join(', ')}` }
    : { ok: true, text };
}
