import multipart from '@fastify/multipart';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const FIELD_SIZE = 65_536;

/** The plugin's own request errors (limits, prototype field names): 4xx with an FST_ code, kept. */
const isPluginClientError = (error: unknown): boolean => {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  return (
    typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number' && statusCode < 500
  );
};

/**
 * Multipart form fields land in the body like urlencoded ones (a repeated field as a list); files are
 * refused. The fields are read here rather than by the plugin's `attachFieldsToBody`, whose parser
 * errors (no boundary, a malformed part, a body cut short) are plain errors that became 500s: any
 * failure to read the client's multipart body is the client's 400, and a field over FIELD_SIZE is a
 * 413 instead of being cut short silently.
 */
export async function registerMultipartForms(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(multipart, { limits: { files: 0, fields: 50, fieldSize: FIELD_SIZE } });
  fastify.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    const body: Record<string, unknown> = {};
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          part.file.resume();
          continue;
        }
        if (part.valueTruncated)
          throw new PayloadTooLargeException(
            `${part.fieldname.slice(0, 64)}: longer than ${FIELD_SIZE} bytes`,
          );
        const previous = body[part.fieldname];
        body[part.fieldname] =
          previous === undefined
            ? part.value
            : Array.isArray(previous)
              ? [...(previous as unknown[]), part.value]
              : [previous, part.value];
      }
    } catch (error) {
      if (error instanceof PayloadTooLargeException || isPluginClientError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new BadRequestException(`malformed multipart/form-data body: ${reason.slice(0, 200)}`);
    }
    request.body = body;
  });
}
