/**
 * A `template` channel's config as Ringotel's seed example sends a message: JSON posted to `url`, the
 * provider's id read at `data.id`. `sendMessage` replaces fields of API.SendMessage, `extra` adds keys.
 */
export const ringotelTemplate = (
  url: string,
  sendMessage: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) => ({
  API: {
    SendMessage: {
      request_method: 'POST',
      request_url: url,
      request_content_type: 'application/json',
      request_parameters: { from: '$from$', to: '$to$', content: '$content$' },
      response_map: { data: { id: '$messageid$' } },
      ...sendMessage,
    },
  },
  ...extra,
});
