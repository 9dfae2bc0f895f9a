import { z } from 'zod';
import { StoredText } from './storable';
import { Detail, Id, MessageStatus, Timestamp } from './common';

/**
 * A delivery report as a provider sent it: it names the provider's message id on a channel, not ours.
 * dlr-tracker correlates it by (channel, provider message id), parking it when the id is not known
 * yet (the receipt raced ahead of the submit response). Keyed by `receiptKey(channel, providerMessageId)`:
 * one message's receipts stay in order on one partition while a busy channel's receipts spread over
 * all of them (keyed by channel alone, one channel's receipts were applied one batch at a time).
 */
export const ReceiptReceivedV1 = z.object({
  eventId: Id,
  workspace: Id,
  channel: Id,
  providerMessageId: StoredText.min(1).max(128),
  status: MessageStatus,
  /** Provider codes as given (SMPP stat/err, IMIconnect code, …). */
  detail: Detail.optional(),
  /** When the provider says the state was reached. */
  at: Timestamp,
  receivedAt: Timestamp,
});
export type ReceiptReceivedV1 = z.infer<typeof ReceiptReceivedV1>;

/** The Kafka key of a receipt: see `ReceiptReceivedV1`. */
export const receiptKey = (channel: string, providerMessageId: string): string =>
  `${channel}:${providerMessageId}`;
