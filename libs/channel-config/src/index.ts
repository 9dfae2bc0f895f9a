export {
  trimmedProviderId,
  type ChannelTypeDescriptor,
  type InboundUrlChannel,
  type OutboundRoute,
} from './channel-type';
export type { InboundChannel, InboundText, ProviderReport, Refusal } from './inbound/inbound-event';
export type {
  InboundAccepted,
  InboundHandler,
  InboundMethod,
  InboundOutcome,
  InboundReader,
  InboundRequest,
} from './inbound/inbound-handler';
export { RawAnswer } from './inbound/inbound-handler';
export {
  CHANNEL_TYPES,
  channelTypeOf,
  createChannelAdapters,
  inboundHandlerOf,
  inboundUrlsOf,
  normaliseProviderId,
  attachmentsRefusal,
  quickRepliesRefusal,
} from './registry';
export {
  type AdapterChannel,
  type AdapterOptions,
  type ChannelAdapter,
  type Detail,
  type OutboundMessage,
  type SendResult,
} from './outbound/channel-adapter';
export { exChannel } from './types/ex';
export { imiChannel } from './types/imi';
export { smppChannel } from './types/smpp';
export { templateChannel } from './types/template';
export { ucpChannel } from './types/ucp';
export { cimd2Channel } from './types/cimd2';
export {
  COMMON_CONFIG_KEYS,
  CommonConfigSchema,
  DEFAULT_RECEIPT_TIMEOUT_SECONDS,
  MAX_RECEIPT_TIMEOUT_SECONDS,
  commonConfigProblems,
  receiptTimeoutOf,
  withCommonKeys,
  type CommonConfig,
} from './shared/common.config';
export {
  HTTP_METHODS,
  METHOD_PROBLEM,
  formEscape,
  isHttpUrl,
  missingSecrets,
  problemAt,
  problemsOfZod,
  type HttpMethod,
  type Parsed,
  type PathSegment,
} from './shared/config-problems';
export {
  DEFAULT_FORM_BODY,
  DEFAULT_JSON_BODY,
  EX_AUTHORIZATION_SECRET,
  EX_VARIABLES,
  escapeValue,
  escapeXml,
  parseExConfig,
  renderExTemplate,
  validateExConfig,
  type ExEncoding,
  type ExSettings,
  type ExVariable,
  type ExVariables,
} from './types/ex/ex.config';
export {
  IMI_DEFAULT_BASE_URL,
  IMI_MESSAGING_PATH,
  IMI_SERVICE_KEY_SECRET,
  parseImiConfig,
  validateImiConfig,
  type ImiSettings,
} from './types/imi/imi.config';
export {
  SMPP_BIND_MODES,
  SMPP_LONG_MESSAGE_MODES,
  SMPP_MESSAGE_ID_FORMATS,
  SMPP_PASSWORD_SECRET,
  SmppConfigSchema,
  parseSmppConfig,
  validateSmppConfig,
  type SmppSettings,
} from './types/smpp/smpp.config';
export { SMSC_ATTACHMENT_MODES, SMSC_PASSWORD_SECRET } from './shared/smsc-connection.config';
export {
  UcpConfigSchema,
  UCP_CONFIG_KEYS,
  parseUcpConfig,
  validateUcpConfig,
  type UcpSettings,
} from './types/ucp/ucp.config';
export {
  Cimd2ConfigSchema,
  CIMD2_CONFIG_KEYS,
  parseCimd2Config,
  validateCimd2Config,
  type Cimd2Settings,
} from './types/cimd2/cimd2.config';
export {
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  MESSAGE_ID_MARK,
  TEMPLATE_PLACEHOLDERS,
  parseTemplateConfig,
  renderParameters,
  renderPlaceholders,
  secretsFor,
  validateTemplateConfig,
  type JsonValue,
  type TemplateAuth,
  type TemplateBodyType,
  type TemplatePlaceholder,
  type TemplateRequest,
  type TemplateSettings,
  type TemplateValues,
} from './types/template/template.config';
export {
  secretsOutOfConfig,
  validateChannelConfig,
  type ConfigValidation,
  type ValidateOptions,
} from './validate-channel-config';
export {
  DEFAULT_WEBHOOK,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_PLACEHOLDERS,
  parseWebhookModels,
  readWebhook,
  webhookStatus,
  type WebhookEventType,
  type WebhookModel,
  type WebhookStatus,
  type WebhookValues,
} from './types/template/template-webhook';
export { MAX_XML_BODY_BYTES } from './types/ex/ex.xml-receive';
export { textWithAttachments } from './outbound/attachments-text';
