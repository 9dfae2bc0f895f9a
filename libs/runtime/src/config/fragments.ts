import { z } from 'zod';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/** Every service: its HTTP port and log level. */
export const serviceEnv = (defaultPort: number) =>
  z.object({
    PORT: z.coerce.number().int().min(1).max(65_535).default(defaultPort).describe('HTTP port'),
    LOG_LEVEL: LogLevel.default('info').describe(
      '`fatal error warn info debug trace`; logs are JSON lines on stdout',
    ),
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(600)
      .default(25)
      .describe('SIGTERM drain limit: seconds in-flight work may take before the process exits anyway'),
    // OpenTelemetry's standard variables that decide whether spans are exported (see tracing/otel.ts);
    // the SDK reads its other settings (headers, batching) itself.
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url()
      .optional()
      .describe('export OpenTelemetry spans (OTLP/HTTP) to this collector: see [operations](operations.md)'),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional().describe('the same, for traces only'),
    OTEL_TRACES_EXPORTER: z
      .enum(['otlp', 'console', 'none'])
      .optional()
      .describe('`otlp`, `console` (prints spans) or `none` (off, whatever else is set)'),
    OTEL_SERVICE_NAME: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('`service.name` of the spans; unset: `smsgate-<service>`'),
  });

/** Services that read or write channel secrets. */
export const secretsEnv = z.object({
  SECRETS_KEY: z
    .string({ error: 'is required (32 random bytes, base64: `openssl rand -base64 32`)' })
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .describe(
      '32 bytes, base64 (`openssl rand -base64 32`): the AES-256-GCM key of stored secrets. ingress seals ' +
        'channel secrets; dispatcher opens them, smpp-binds its channel passwords; dlr-tracker opens ' +
        "workspaces' callback signing secrets; cht-relay seals CHT keys and RapidPro channel secrets",
    ),
});

/** Comma-separated milliseconds (`1000,5000,30000`), e.g. retry delays; `fallback` when unset. */
export const millisecondsList = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds')
    .default(fallback)
    .transform((value) => value.split(',').map(Number));

/**
 * A comma-separated list (hosts, CIDRs): entries trimmed, empty ones dropped, lower-cased with
 * `lowerCase`; empty when unset.
 */
export const commaList = ({ lowerCase = false }: { lowerCase?: boolean } = {}) =>
  z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => (lowerCase ? entry.trim().toLowerCase() : entry.trim()))
        .filter(Boolean),
    );
