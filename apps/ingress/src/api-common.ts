import { errorAnswer, type ApiResponse } from '@smsgate/runtime';
import { z } from 'zod';

/** What the route registries' examples share: ids and times that look like real ones. */
export const EXAMPLE = {
  workspace: '0193a7c4-5b2e-7d10-9f3a-2c4b6d8e0f12',
  channel: '0193a7c4-6e1f-7a22-8b4c-3d5e7f901a23',
  otherChannel: '0193a7c4-7a30-7c33-9d5e-4e6f8a012b34',
  message: '0193a7c5-0c41-7e44-8f6a-5f7a9b123c45',
  route: '0193a7c5-1d52-7f55-a07b-6a8bac234d56',
  at: '2026-03-02T09:15:04.120Z',
  later: '2026-03-02T09:15:09.870Z',
} as const;

export const Timestamp = z.iso.datetime({ offset: true });

/** A page read by cursor: `next` is the cursor of the following page, null on the last. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.object({ results: z.array(item), next: z.string().nullable() });

export const uuidParam = (name: string, what: string) => z.object({ [name]: z.uuid().describe(what) });

export const notFound = (what: string): ApiResponse =>
  errorAnswer(`no ${what} with this id in the workspace`);
