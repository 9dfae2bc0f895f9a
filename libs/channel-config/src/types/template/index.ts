import { trimmedProviderId, type ChannelTypeDescriptor } from '../../channel-type';
import { withCommonKeys } from '../../shared/common.config';
import { templateInbound } from './template.inbound-handler';
import { TemplateAdapter } from './template.adapter';
import { TEMPLATE_CONFIG_KEYS, templateSecretNames, validateTemplateConfig } from './template.config';
import { parseWebhookModels } from './template-webhook';

/** A no-code HTTP integration described by a JSON template, Ringotel style. */
export const templateChannel = {
  type: 'template',
  validate: withCommonKeys(validateTemplateConfig),
  outbound: { via: 'adapter', createAdapter: (options) => new TemplateAdapter(options) },
  inboundUrls: (channel, publicUrl) => {
    // One URL per event of the template's `Webhook` section (Ringotel's events by default).
    const models = parseWebhookModels(channel.config?.Webhook);
    if (!models.ok) return {};
    return Object.fromEntries(
      models.value.map((model) => [
        model.key,
        `${publicUrl}/c/template/${channel.id}/${encodeURIComponent(model.key)}`,
      ]),
    );
  },
  inbound: templateInbound,
  normaliseProviderId: trimmedProviderId,
  configKeys: TEMPLATE_CONFIG_KEYS,
  secretNames: templateSecretNames,
} as const satisfies ChannelTypeDescriptor<'template'>;
