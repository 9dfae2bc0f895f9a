import type { ChannelType } from '@smsgate/contracts';
import { EgressGuard } from '@smsgate/egress';
import { channelTypeOf } from './registry';
import { problemAt } from './shared/config-problems';

export type ConfigValidation = { ok: true } | { ok: false; problems: string[] };

export interface ValidateOptions {
  /** The egress policy sends will run under; IP-literal hosts it refuses are reported now. */
  egress?: EgressGuard;
}

const PUBLIC_ONLY = new EgressGuard();

/**
 * Checks a channel's config and secrets when it is saved, so a broken channel is refused with
 * reasons instead of failing every message. Problems read `<json path>: <why>` (for example
 * `config.API.SendMessage.request_method: must be GET, POST or PUT`) and never quote a secret.
 */
export function validateChannelConfig(
  type: ChannelType,
  config: unknown,
  secrets: Record<string, string> = {},
  options: ValidateOptions = {},
): ConfigValidation {
  const descriptor = channelTypeOf(type);
  const problems = [
    ...descriptor.validate(config, secrets, options.egress ?? PUBLIC_ONLY),
    ...unknownSecrets(type, descriptor.secretNames(config), secrets),
  ];
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** A secret nothing reads is refused, naming it and the ones the channel reads, rather than stored unused. */
function unknownSecrets(
  type: ChannelType,
  known: readonly string[],
  secrets: Record<string, string>,
): string[] {
  const accepted = known.length > 0 ? `its secrets: ${known.join(', ')}` : 'it reads none';
  return Object.keys(secrets)
    .filter((name) => !known.includes(name))
    .map((name) =>
      problemAt(
        ['secrets', name.slice(0, 64)],
        `is not read by this ${type} channel (${accepted}): leave it out`,
      ),
    );
}
