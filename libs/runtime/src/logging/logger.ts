import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { currentTrace } from '../tracing/trace-context';

/** Field names whose values never reach a log line. */
const SECRET_FIELDS = [
  'password',
  'passwordHash',
  'password_hash',
  'secret',
  'secrets',
  'apiKey',
  'api_key',
  'token',
  'authorization',
  'key',
];

export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Every line written while a request or an event is handled names its trace (W3C trace context).
    mixin: () => {
      const trace = currentTrace();
      return trace ? { trace_id: trace.traceId, span_id: trace.spanId } : {};
    },
    redact: {
      paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`)],
      censor: '[redacted]',
    },
  });
}

/** Nest's logger interface over pino: one JSON object per line on stdout. */
export class JsonLogger implements LoggerService {
  readonly log = this.writerAt('info');
  readonly error = this.writerAt('error');
  readonly warn = this.writerAt('warn');
  readonly debug = this.writerAt('debug');
  readonly verbose = this.writerAt('trace');
  readonly fatal = this.writerAt('fatal');

  constructor(private readonly pino: Logger) {}

  private writerAt(level: pino.Level): (message: unknown, ...rest: unknown[]) => void {
    return (message, ...rest) => this.write(level, message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    // Nest passes (message, context) or (message, stack, context) for errors.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ context, ...message });
    } else {
      this.pino[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
