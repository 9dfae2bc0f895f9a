import type { ChannelType } from '@smsgate/contracts';
import { EgressGuard } from '@smsgate/egress';
import { channelTypeOf } from './registry';

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
  const problems = channelTypeOf(type).validate(config, secrets, options.egress ?? PUBLIC_ONLY);
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
