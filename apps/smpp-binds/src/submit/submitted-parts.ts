import { Injectable } from '@nestjs/common';
import { TtlCache } from '@smsgate/runtime';

/** A part this replica submitted, as its receipt needs it. */
export interface SubmittedPartRef {
  messageId: string;
  workspace: string;
  part?: { index: number; count: number };
  /** Resolves once the message's `sent` is queued for Kafka: a receipt published after it follows it. */
  sent: Promise<void>;
}

const MAX_ENTRIES = 100_000;
const TTL_MS = 10 * 60_000;

/**
 * The parts this replica submitted lately, by channel and provider id (the SMSC's id in the form the
 * tracker matches). A receipt for one of them is published on `sms.outbound.status.v1` under the
 * message's id, after the message's `sent`: the tracker then reads `sent` and receipt in order from one
 * partition, instead of parking a receipt that outran its `sent` (most of them, with an SMSC that
 * answers at once) and applying it again later. Receipts for parts not found here (submitted before a
 * restart, by another replica, or long ago) go to `sms.outbound.receipt.v1`, matched by provider id.
 * Bounded in entries and age; memory only, by design.
 */
@Injectable()
export class SubmittedParts {
  private readonly entries = new TtlCache<string, SubmittedPartRef>(TTL_MS, MAX_ENTRIES);

  remember(channelId: string, providerMessageId: string, ref: SubmittedPartRef): void {
    this.entries.set(`${channelId}|${providerMessageId}`, ref);
  }

  find(channelId: string, providerMessageId: string): SubmittedPartRef | undefined {
    return this.entries.peek(`${channelId}|${providerMessageId}`);
  }

  get size(): number {
    return this.entries.size;
  }
}
