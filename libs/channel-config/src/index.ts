export { CommonConfigSchema, commonConfigProblems, type CommonConfig } from './common.config';
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
} from './config-problems';
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
} from './ex/ex.config';
export {
  IMI_DEFAULT_BASE_URL,
  IMI_MESSAGING_PATH,
  IMI_SERVICE_KEY_SECRET,
  parseImiConfig,
  validateImiConfig,
  type ImiSettings,
} from './imi/imi.config';
export {
  SMPP_BIND_MODES,
  SMPP_LONG_MESSAGE_MODES,
  SMPP_MESSAGE_ID_FORMATS,
  SMPP_PASSWORD_SECRET,
  SmppConfigSchema,
  parseSmppConfig,
  validateSmppConfig,
  type SmppSettings,
} from './smpp/smpp.config';
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
  type TemplateSettings,
  type TemplateValues,
} from './template/template.config';
export {
  validateChannelConfig,
  type ConfigValidation,
  type ValidateOptions,
} from './validate-channel-config';
