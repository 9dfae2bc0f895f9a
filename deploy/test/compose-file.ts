import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const repoRoot = path.resolve(__dirname, '../..');

/**
 * Compose's variable interpolation (`${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `$$`) over the raw text, as `docker compose config` does before validating.
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = braced ?? bare!;
      const value = env[name];
      const missing = value === undefined || (colon === ':' && value === '');
      if (op === '?' && missing) throw new Error(`required variable ${name} is missing: ${arg ?? ''}`);
      if (op === '-' && missing) return arg ?? '';
      return value ?? '';
    },
  );
}

/** The compose file as Compose sees it: interpolated, YAML merge keys (`<<`) applied. */
export function loadCompose(env: Record<string, string | undefined>): ComposeFile {
  const text = readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');
  return parse(interpolate(text, env), { merge: true, maxAliasCount: -1 }) as ComposeFile;
}

export interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> } | string;
  command?: string[];
  environment?: Record<string, string | number | null>;
  env_file?: string | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string };
  restart?: string;
  ports?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  user?: string;
  volumes?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}
