import { MessageStatusChangedV1 } from '@smsgate/contracts';
import { EventDetail, EventRow, LedgerMessageRow, LedgerPartRow, NewCallback } from '@smsgate/db';
import { ReceiptKey, StatusCommand } from './status-command';

export interface MessageState extends LedgerMessageRow {
  changed: boolean;
  statusAt?: string;
  error?: EventDetail;
}

export interface PartState extends LedgerPartRow {
  changed: boolean;
  updatedAt?: string;
}

/** An event to park until its message (`status`) or its provider id (`receipt`) exists. */
export interface ParkedCommand {
  command: StatusCommand;
  kind: 'status' | 'receipt';
  channel: string;
  providerMessageId: string | null;
  reason: string;
}

export interface PartOwner {
  messageId: string;
  partIndex: number;
}

const pairKey = (channel: string, providerId: string) => `${channel}\u0000${providerId}`;
const partKey = (messageId: string, index: number) => `${messageId}\u0000${index}`;

/**
 * One transaction's batch in memory: the locked messages and their parts as read, changed in place as
 * statuses apply, and what the batch writes once they all have (history, callbacks, parked events).
 */
export class LedgerBatch {
  readonly messages = new Map<string, MessageState>();
  readonly changes: MessageStatusChangedV1[] = [];
  readonly events: EventRow[] = [];
  readonly callbacks: NewCallback[] = [];
  readonly parked: ParkedCommand[] = [];
  /** Provider ids this batch gave a part: receipts parked for them can be applied now. */
  readonly learned: ReceiptKey[] = [];
  private readonly parts = new Map<string, PartState>();
  private readonly partsByMessage = new Map<string, PartState[]>();
  private readonly owners = new Map<string, PartOwner>();

  ownerOf(channel: string | undefined, providerId: string | undefined): PartOwner | undefined {
    return channel && providerId ? this.owners.get(pairKey(channel, providerId)) : undefined;
  }

  setOwner(channel: string, providerId: string, owner: PartOwner): void {
    this.owners.set(pairKey(channel, providerId), owner);
  }

  addMessage(row: LedgerMessageRow): void {
    // Every field set up front, in one literal: one object shape for all of them.
    this.messages.set(row.id, {
      id: row.id,
      workspace_id: row.workspace_id,
      channel_id: row.channel_id,
      direction: row.direction,
      status: row.status,
      attempt: row.attempt,
      part_count: row.part_count,
      correlation_id: row.correlation_id,
      notify_url: row.notify_url,
      notify_format: row.notify_format,
      notify_on: row.notify_on,
      callback_data: row.callback_data,
      to_addr: row.to_addr,
      attachments: row.attachments,
      changed: false,
      statusAt: undefined,
      error: undefined,
    });
  }

  addPart(row: LedgerPartRow, changed = false): PartState {
    const part: PartState = {
      message_id: row.message_id,
      part_index: row.part_index,
      channel_id: row.channel_id,
      provider_message_id: row.provider_message_id,
      status: row.status,
      attempt: row.attempt,
      changed,
      updatedAt: undefined,
    };
    this.parts.set(partKey(part.message_id, part.part_index), part);
    const siblings = this.partsByMessage.get(part.message_id);
    if (siblings) siblings.push(part);
    else this.partsByMessage.set(part.message_id, [part]);
    return part;
  }

  part(messageId: string, index: number): PartState | undefined {
    return this.parts.get(partKey(messageId, index));
  }

  partsOf(messageId: string): PartState[] {
    return this.partsByMessage.get(messageId) ?? [];
  }

  allParts(): IterableIterator<PartState> {
    return this.parts.values();
  }

  /** Where this batch's parked events and learned ids must be looked at again after commit. */
  followUp(): { receiptKeys: ReceiptKey[]; messageIds: string[] } {
    return {
      receiptKeys: [
        ...this.learned,
        ...this.parked
          .filter((p) => p.kind === 'receipt' && p.providerMessageId !== null)
          .map((p) => ({ channel: p.channel, providerId: p.providerMessageId! })),
      ],
      messageIds: this.parked.flatMap((p) =>
        p.kind === 'status' && p.command.messageId ? [p.command.messageId] : [],
      ),
    };
  }
}
