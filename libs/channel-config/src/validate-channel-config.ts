import type { ChannelType } from '@smsgate/contracts';
import { EgressGuard } from '@smsgate/egress';
import { commonConfigProblems } from './shared/common.config';
import { validateExConfig } from './types/ex/ex.config';
import { validateImiConfig } from './types/imi/imi.config';
import { validateSmppConfig } from './types/smpp/smpp.config';
import { validateTemplateConfig } from './types/template/template.config';

export type ConfigValidation = { ok: true } | { ok: false; problems: string[] };

export interface ValidateOptions {
  /** The egress policy sends will run under; IP-literal hosts it refuses are reported now. */
  egress?: EgressGuard;
}

type Validator = (config: unknown, secrets: Record<string, string>, guard: EgressGuard) => string[];

const withCommonKeys =
  (validate: Validator): Validator =>
  (config, secrets, guard) => [...validate(config, secrets, guard), ...commonConfigProblems(config)];

const VALIDATORS: Record<ChannelType, Validator> = {
  ex: withCommonKeys(validateExConfig),
  imi: withCommonKeys(validateImiConfig),
  template: withCommonKeys(validateTemplateConfig),
  // Its schema holds the common keys itself: smpp-binds takes `tps` from the parsed settings.
  smpp: validateSmppConfig,
};

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
  const problems = VALIDATORS[type](config, secrets, options.egress ?? PUBLIC_ONLY);
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
