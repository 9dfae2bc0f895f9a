import type { ConfigValidator } from '../../shared/common.config';
import { z } from 'zod';
import {
  isHttpUrl,
  missingSecrets,
  problemAt,
  problemsOfZod,
  type Parsed,
} from '../../shared/config-problems';

export const IMI_DEFAULT_BASE_URL = 'https://api.imiconnect.com';
export const IMI_MESSAGING_PATH = '/resources/v1/messaging';
/** The service key of the IMIconnect service, sent as the `key` header. */
export const IMI_SERVICE_KEY_SECRET = 'service_key';

const httpUrl = z
  .string({ error: 'must be a string' })
  .trim()
  .refine(isHttpUrl, 'must be an http or https URL');

const ImiConfigSchema = z.object({
  /** `https://api.imiconnect.com`, or `.io` for accounts on imiconnect.io. */
  base_url: httpUrl.default(IMI_DEFAULT_BASE_URL),
  /** Where IMIconnect posts delivery reports for these messages (`notifyurl`). */
  notify_url: httpUrl.optional(),
});

/** The keys an `imi` config may hold besides the common ones. */
export const IMI_CONFIG_KEYS = Object.keys(ImiConfigSchema.shape);

export interface ImiSettings {
  /** The messaging endpoint. */
  url: string;
  notifyUrl?: string;
}

export function parseImiConfig(config: unknown): Parsed<ImiSettings> {
  const parsed = ImiConfigSchema.safeParse(config ?? {});
  if (!parsed.success) return { ok: false, problems: problemsOfZod(parsed.error, 'config') };
  const base = new URL(parsed.data.base_url);
  if (base.search || base.hash) {
    return { ok: false, problems: [problemAt(['config', 'base_url'], 'must not have a query or fragment')] };
  }
  const url = `${parsed.data.base_url.replace(/\/+$/, '')}${IMI_MESSAGING_PATH}`;
  return {
    ok: true,
    value: { url, ...(parsed.data.notify_url ? { notifyUrl: parsed.data.notify_url } : {}) },
  };
}

/** Problems with an `imi` channel as it is saved: config, and the service key in secrets. */
export const validateImiConfig: ConfigValidator = (config, secrets, guard) => {
  const parsed = parseImiConfig(config);
  const problems = parsed.ok ? [] : [...parsed.problems];
  if (parsed.ok) {
    const refusal = guard.staticRefusal(parsed.value.url);
    if (refusal) problems.push(problemAt(['config', 'base_url'], refusal));
  }
  return [...problems, ...missingSecrets(secrets, [IMI_SERVICE_KEY_SECRET])];
};
