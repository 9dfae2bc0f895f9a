import { z } from 'zod';
import { linkIdOf } from './smartlink-text';

const Url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2_048);
const LinkId = z
  .union([z.number(), z.string()])
  .transform((value, context) => {
    const id = linkIdOf(value);
    if (id === undefined)
      context.addIssue({ code: 'custom', message: 'must be a whole number or 1 to 64 of A-Z a-z 0-9 _ . -' });
    return id ?? z.NEVER;
  })
  .describe("IMIconnect's `linkid`: a whole number, or 1 to 64 of A-Z a-z 0-9 _ . -");

export const CreateSmartlink = z.strictObject({ linkid: LinkId, url: Url });
export const UpdateSmartlink = z.strictObject({ url: Url });
