import { trimmedProviderId, type ChannelTypeDescriptor } from '../../channel-type';
import { withCommonKeys } from '../../shared/common.config';
import { templateInbound } from './template.inbound-handler';
import { TemplateAdapter } from './template.adapter';
import {
  NO_SEND_FILE,
  TEMPLATE_CONFIG_KEYS,
  templateSecretNames,
  validateTemplateConfig,
} from './template.config';
import { parseWebhookModels } from './template-webhook';

/** A no-code HTTP integration described by a JSON template, Ringotel style. */
export const templateChannel = {
  type: 'template',
  validate: withCommonKeys(validateTemplateConfig),
  outbound: { via: 'adapter', createAdapter: (options) => new TemplateAdapter(options) },
  inboundUrls: (channel, publicUrl) => {
    // One URL per event of the template's `Webhook` section (Ringotel's events by default), and under
    // `*` (no event key has one) the channel's own URL, for providers that name the event in the body.
    const models = parseWebhookModels(channel.config?.Webhook);
    if (!models.ok) return {};
    const base = `${publicUrl}/c/template/${channel.id}`;
    const urls = models.value.map((model): [string, string] => [
      model.key,
      `${base}/${encodeURIComponent(model.key)}`,
    ]);
    if (models.value.some((model) => model.paths.event_key)) urls.push(['*', base]);
    return Object.fromEntries(urls);
  },
  inbound: templateInbound,
  normaliseProviderId: trimmedProviderId,
  configKeys: TEMPLATE_CONFIG_KEYS,
  secretNames: templateSecretNames,
  attachmentsRefusal: (config) =>
    (config as { API?: { SendFile?: unknown } } | null)?.API?.SendFile ? undefined : NO_SEND_FILE,
} as const satisfies ChannelTypeDescriptor<'template'>;
