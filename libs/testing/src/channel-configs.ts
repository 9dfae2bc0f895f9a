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

/**
 * Ringotel's no-code template as its guide (seed 003) prints it, verbatim: the `API` section with its
 * `$extension$` and `$domain$`, and the `message` and `file` webhook models. Parse before use.
 */
export const RINGOTEL_SEED = {
  api:
    `{ "SendMessage": { "request_method": "POST", "request_url": "https://api.example.com/webhook", "requ` +
    `est_content_type": "application/json", "request_parameters": { "from": "$from$", "to": "$to$", "exte` +
    `nsion": "$extension$", "domain": "$domain$", "content": "$content$" }, "response_map": { "data": { "` +
    `id": "$messageid$" } } }, "SendFile": { "request_method": "POST", "request_url": "https://api.exampl` +
    `e.com/webhook", "request_content_type": "application/json", "request_parameters": { "from": "$from$"` +
    `, "to": "$to$", "extension": "$extension$", "domain": "$domain$", "media_url": "$content$" }, "respo` +
    `nse_map": { "data": { "id": "$messageid$" } } } }`,
  messageModel:
    `{ "event_key": "message", "event_type": "message", "request_method": "POST", "request_parameters": {` +
    ` "method": "$event_key$", "params":{ "from": "$from$", "to": "$to$", "content": "$content$" } } }`,
  messageBody:
    `{ "method": "message", "params":{ "from": "+61855555555", "to": "+61123456789", "content": "Hello th` +
    `ere!" } }`,
  fileModel:
    `{ "event_key": "file", "event_type": "mms", "request_method": "POST", "request_parameters": { "metho` +
    `d": "$event_key$", "params":{ "from": "$from$", "to": "$to$", "text": "$text$", "url":"$url$" } } }`,
  fileBody:
    `{ "method": "file", "params":{ "from": "+61855555555", "to": "+61123456789", "text": "Sending a file` +
    `", "url":"https://your.server.com/files/8a8d89798as9ud.jpeg" } }`,
} as const;

/** The seed's template with `API.SendMessage.request_url` (and SendFile's) pointed at `url`. */
export const ringotelSeedTemplate = (url: string, settings: Record<string, string>) => {
  const api = JSON.parse(RINGOTEL_SEED.api.replaceAll('https://api.example.com/webhook', url)) as object;
  const models = [RINGOTEL_SEED.messageModel, RINGOTEL_SEED.fileModel].map(
    (model) => JSON.parse(model) as object,
  );
  return { API: api, Webhook: models, settings };
};
