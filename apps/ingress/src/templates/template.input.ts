import { MAX_OUTBOUND_TEXT } from '@smsgate/contracts';
import { z } from 'zod';
import { TemplateId } from '../send/template-texts';

const Fields = {
  name: z.string().trim().min(1).max(128).optional(),
  /** The message text, with `$(name)` placeholders filled per destination. */
  body: z.string().min(1).max(MAX_OUTBOUND_TEXT),
};

/** POST: `id` is the client's (e.g. IMIconnect's "1"); without one smsgate picks a UUID. */
export const CreateTemplate = z.object({ id: TemplateId.optional(), ...Fields }).strict();

/** PUT /:id: creates or replaces. */
export const ReplaceTemplate = z.object(Fields).strict();
