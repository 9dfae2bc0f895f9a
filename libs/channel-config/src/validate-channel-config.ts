import type { ChannelType } from '@smsgate/contracts';
import { EgressGuard } from '@smsgate/egress';
import { channelTypeOf } from './registry';
import { COMMON_CONFIG_KEYS } from './shared/common.config';
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
  const secretNames = descriptor.secretNames(config);
  const problems = [
    ...descriptor.validate(config, secrets, options.egress ?? PUBLIC_ONLY),
    ...unknownConfigKeys(type, [...descriptor.configKeys, ...COMMON_CONFIG_KEYS], config, secretNames),
    ...unknownSecrets(type, secretNames, secrets),
  ];
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/**
 * A config that holds one of its type's secrets (RapidPro keeps an External API channel's
 * `send_authorization` in its config) has it moved to the secrets, so the config moves over unchanged
 * and the value is still sealed and never shown. Undefined when there is nothing to move; a secret given
 * in both places with different values stays, and is refused as a config key.
 */
export function secretsOutOfConfig(
  type: ChannelType,
  config: unknown,
  secrets: Record<string, string>,
): { config: Record<string, unknown>; secrets: Record<string, string> } | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined;
  const record = config as Record<string, unknown>;
  const names = channelTypeOf(type)
    .secretNames(config)
    .filter((name) => {
      const value = record[name];
      return typeof value === 'string' && (secrets[name] === undefined || secrets[name] === value);
    });
  if (names.length === 0) return undefined;
  const rest = { ...record };
  const moved = { ...secrets };
  for (const name of names) {
    moved[name] = rest[name] as string;
    delete rest[name];
  }
  return { config: rest, secrets: moved };
}

/** A config key nothing reads is refused, naming the ones the type reads (a secret's name: where it goes). */
function unknownConfigKeys(
  type: ChannelType,
  known: readonly string[],
  config: unknown,
  secretNames: readonly string[],
): string[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return [];
  return Object.keys(config)
    .filter((key) => !known.includes(key))
    .map((key) =>
      secretNames.includes(key)
        ? problemAt(['config', key], `is a secret here: give it as secrets.${key}`)
        : problemAt(
            ['config', key.slice(0, 64)],
            `is not a setting of ${type} channels (known: ${known.join(', ')})`,
          ),
    );
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
