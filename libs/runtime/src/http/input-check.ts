import { BadRequestException } from '@nestjs/common';
import { isStorable, UNSTORABLE_REASON } from '@smsgate/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Deeper input is refused: nothing smsgate takes nests this far, and recursive readers stay bounded. */
export const MAX_INPUT_DEPTH = 32;

export interface InputProblem {
  /** The field, as a path (`channels.sms.text`, `to.1.to`), `query parameter x` or `path parameter x`. */
  field: string;
  reason: string;
}

const printable = (name: string): string =>
  name.replace(/[\0\uD800-\uDFFF]/gu, '\uFFFD').slice(0, 64) || '""';
const join = (path: string, name: string): string => (path ? `${path}.${printable(name)}` : printable(name));

/**
 * The first problem of a parsed input: a string (or a field name) PostgreSQL could not store, or
 * nesting deeper than MAX_INPUT_DEPTH. `path` names the value itself.
 */
export function findInputProblem(value: unknown, path = '', depth = 0): InputProblem | undefined {
  if (typeof value === 'string')
    return isStorable(value) ? undefined : { field: path || 'body', reason: UNSTORABLE_REASON };
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  if (depth >= MAX_INPUT_DEPTH)
    return { field: path || 'body', reason: `nested more than ${MAX_INPUT_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = findInputProblem(value[index], join(path, String(index)), depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [name, nested] of Object.entries(value)) {
    if (!isStorable(name)) return { field: join(path, name), reason: `the field name ${UNSTORABLE_REASON}` };
    const problem = findInputProblem(nested, join(path, name), depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** `<field>: <reason>` for the first problem of `value`, else undefined. */
export function inputProblem(value: unknown): string | undefined {
  const problem = findInputProblem(value);
  return problem && `${problem.field}: ${problem.reason}`;
}

/** Path parameters and the query string are named apart from body fields. */
export function requestInputProblem(
  request: Pick<FastifyRequest, 'params' | 'query' | 'body'>,
): InputProblem | undefined {
  for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    const problem = findInputProblem(value, `path parameter ${printable(name)}`);
    if (problem) return problem;
  }
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    const field = `query parameter ${printable(name)}`;
    if (!isStorable(name)) return { field, reason: `the name ${UNSTORABLE_REASON}` };
    const problem = findInputProblem(value, field, 1);
    if (problem) return problem;
  }
  return findInputProblem(request.body);
}

/**
 * The edge rule of every service, applied once to every route: a request whose parsed input (JSON,
 * urlencoded or multipart body, query string, path parameters) holds a string PostgreSQL cannot store
 * is refused with a 400 naming the field (`message` "<field>: <reason>", and `field`), before any
 * controller sees it. It runs as a preHandler, after body parsing (multipart fields included), and its
 * error goes through the HttpErrorFilter, so routes that speak another product's API answer in that
 * product's error shape.
 */
export function refuseUnstorableInput(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', async (request) => {
    const problem = requestInputProblem(request);
    if (problem) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `${problem.field}: ${problem.reason}`,
        field: problem.field,
      });
    }
  });
}
