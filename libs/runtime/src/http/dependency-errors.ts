/**
 * Errors that say a dependency (PostgreSQL above all) cannot serve right now, or that a concurrent change
 * won a race: neither is the client's mistake nor a bug of ours, so neither is a 500.
 */

/** Socket errors of a dependency that is down or out of reach. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * PostgreSQL SQLSTATEs of a server that cannot serve now: class 08 (connection exception), class 53
 * (insufficient resources, 53300 too_many_connections among them), 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up, in recovery), 57014 query_canceled (a
 * statement timeout or an operator's cancel).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[123]|57014)$/;

/** SQLSTATEs of a concurrent change: unique and foreign-key violations, serialization failure, deadlock. */
const CONFLICT_SQLSTATE = new Set(['23505', '23503', '40001', '40P01']);

/** node-postgres and pg-pool report a lost or refused connection with these messages and no code. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end|Query read timeout)/;

/** TypeORM's errors for a data source that is not (or no longer) connected. */
const UNAVAILABLE_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError']);

export type DependencyFailure = 'unavailable' | 'conflict';

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Classifies `error`, looking through TypeORM's driverError, `cause` chains and AggregateErrors. */
export function dependencyFailure(error: unknown, depth = 0): DependencyFailure | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const { code, name, message, driverError, cause, errors } = error as ErrorLike;
  if (typeof code === 'string') {
    if (CONFLICT_SQLSTATE.has(code)) return 'conflict';
    if (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return 'unavailable';
  }
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return 'unavailable';
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return 'unavailable';
  for (const inner of [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])]) {
    const found = dependencyFailure(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A short label of the error for one log line: its class and code, never its message or stack. */
export function errorLabel(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const { code, name, driverError } = error as ErrorLike;
  const inner = (driverError as ErrorLike | undefined)?.code;
  const sqlstate = typeof code === 'string' ? code : typeof inner === 'string' ? inner : undefined;
  return [typeof name === 'string' ? name : 'Error', sqlstate].filter(Boolean).join(' ');
}
