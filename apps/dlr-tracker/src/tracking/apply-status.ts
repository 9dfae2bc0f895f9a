import { MessageStatus, MessageStatusChangedV1 } from '@smsgate/contracts';
import { EventDetail } from '@smsgate/db';
import { callbackBody, callsBack, NotifyFormat } from '../callbacks/callback-body';
import { SWEEPER_SOURCE } from '../domain/sources';
import { aggregateParts, decide, IncomingStatus, isFinal } from '../domain/status-machine';
import { LedgerBatch, MessageState } from './ledger-batch';
import { CommandResult, StatusCommand } from './status-command';

/**
 * Applies one status to its message (locked and in `batch`) and the part it is about, in memory:
 * the part first, then the message, with the status all parts add up to once a part is final. Records
 * the history event whether it applied or not, and the change and callback when the message's status
 * changed. A message not in hand parks the command (or rejects it when it cannot wait).
 */
export function applyStatus(
  batch: LedgerBatch,
  command: StatusCommand,
  messageId: string | undefined,
  providerId: string | undefined,
): CommandResult {
  const message = messageId ? batch.messages.get(messageId) : undefined;
  if (!message) return parkOrReject(batch, command, providerId);
  if (message.workspace_id !== command.workspace)
    return { kind: 'rejected', reason: `message ${message.id} belongs to another workspace` };
  if (message.direction !== 'out') return { kind: 'rejected', reason: `message ${message.id} is inbound` };

  const detail: EventDetail = { ...command.detail, source: command.source };
  if (command.attempt !== undefined) detail.attempt = command.attempt;
  if (command.providerMessageId) detail.providerMessageId = command.providerMessageId;
  const previous = message.status;
  const verdict = command.source === SWEEPER_SOURCE;
  const incoming: IncomingStatus = { status: command.status, attempt: command.attempt, verdict };

  // Which part the report is about: given, found by provider id, or the only part.
  const owner = batch.ownerOf(command.channel, providerId);
  const partIndex = command.part?.index ?? owner?.partIndex ?? (command.providerMessageId ? 0 : undefined);
  const onPart =
    partIndex === undefined
      ? { applied: false, candidate: incoming }
      : applyToPart(batch, message, command, providerId, partIndex, detail, incoming);

  const decision = onPart.candidate ? decide(message, onPart.candidate) : undefined;
  if (decision?.apply) {
    message.status = decision.next.status;
    message.attempt = decision.next.attempt;
    message.statusAt = command.at;
    message.changed = true;
    // `unknown` is no error, and may yet become delivered.
    if (isFinal(message.status) && message.status !== 'delivered' && message.status !== 'unknown')
      message.error = { ...command.detail };
    detail.messageStatus = message.status;
    detail.previousMessageStatus = previous;
    if (command.channel && !message.channel_id) message.channel_id = command.channel;
    recordChange(batch, message, command, previous, detail);
  }
  const applied = decision?.apply === true || onPart.applied;
  batch.events.push({
    event_id: command.eventId,
    message_id: message.id,
    status: command.status,
    previous_status: previous,
    applied,
    part_index: partIndex ?? null,
    source: command.source,
    detail,
    at: command.at,
  });
  return applied
    ? { kind: 'applied' }
    : {
        kind: 'kept',
        reason: `kept in history: ${decision && !decision.apply ? decision.reason : 'part not newer'}`,
      };
}

/** The detail published and called back: the provider's codes, without the ledger's own bookkeeping. */
export function publicDetail(detail: EventDetail): EventDetail {
  const { messageStatus: _status, previousMessageStatus: _previous, ...rest } = detail;
  return rest;
}

function parkOrReject(
  batch: LedgerBatch,
  command: StatusCommand,
  providerId: string | undefined,
): CommandResult {
  const receipt = !command.messageId;
  const reason = receipt
    ? `no message with provider id ${command.providerMessageId} on channel ${command.channel} yet`
    : `message ${command.messageId} is not known yet`;
  if (!command.channel || !command.origin) return { kind: 'rejected', reason };
  batch.parked.push({
    command,
    kind: receipt ? 'receipt' : 'status',
    channel: command.channel,
    providerMessageId: providerId ?? null,
    reason,
  });
  return { kind: 'parked', reason };
}

/**
 * Applies the status to the part (creating it, and learning its provider id, as needed). What the
 * message is then offered: the status itself for a part that applied and is not final, the status all
 * parts add up to for a final one (none while some are still under way), nothing when the part refused.
 */
function applyToPart(
  batch: LedgerBatch,
  message: MessageState,
  command: StatusCommand,
  providerId: string | undefined,
  partIndex: number,
  detail: EventDetail,
  incoming: IncomingStatus,
): { applied: boolean; candidate: IncomingStatus | undefined } {
  detail.part = partIndex;
  const count = command.part?.count ?? (partIndex === 0 ? 1 : partIndex + 1);
  if (message.part_count === null || count > message.part_count) {
    message.part_count = count;
    message.changed = true;
  }
  const part =
    batch.part(message.id, partIndex) ??
    batch.addPart(
      {
        message_id: message.id,
        part_index: partIndex,
        channel_id: command.channel ?? message.channel_id,
        provider_message_id: null,
        status: 'accepted',
        attempt: 0,
      },
      true,
    );
  if (providerId && command.channel && part.provider_message_id !== providerId) {
    const holder = batch.ownerOf(command.channel, providerId);
    if (holder && (holder.messageId !== message.id || holder.partIndex !== partIndex)) {
      detail.providerIdConflict = `already names message ${holder.messageId} part ${holder.partIndex}`;
    } else if (part.provider_message_id === null) {
      part.provider_message_id = providerId;
      part.channel_id = command.channel;
      part.changed = true;
      batch.setOwner(command.channel, providerId, { messageId: message.id, partIndex });
      batch.learned.push({ channel: command.channel, providerId });
    }
  }
  const decision = decide(part, incoming);
  if (!decision.apply) return { applied: false, candidate: undefined };
  part.status = decision.next.status;
  part.attempt = decision.next.attempt;
  part.updatedAt = command.at;
  part.changed = true;
  if (!isFinal(decision.next.status)) return { applied: true, candidate: incoming };
  const siblings = batch.partsOf(message.id).map((p) => p.status);
  const aggregate = aggregateParts(siblings, message.part_count ?? 1);
  return {
    applied: true,
    candidate: aggregate
      ? { status: aggregate, attempt: decision.next.attempt, verdict: incoming.verdict }
      : undefined,
  };
}

/** The status change to publish, and the callback to queue when the message asks for one. */
function recordChange(
  batch: LedgerBatch,
  message: MessageState,
  command: StatusCommand,
  previous: MessageStatus,
  detail: EventDetail,
): void {
  const change: MessageStatusChangedV1 = {
    eventId: command.eventId,
    id: message.id,
    workspace: message.workspace_id,
    direction: 'out',
    correlationId: message.correlation_id ?? undefined,
    status: message.status,
    previousStatus: previous,
    detail: publicDetail(detail),
    at: command.at,
  };
  batch.changes.push(change);
  if (!message.notify_url || !callsBack(message.notify_on, message.status)) return;
  const body = callbackBody((message.notify_format ?? 'smsgate') as NotifyFormat, {
    eventId: command.eventId,
    messageId: message.id,
    workspace: message.workspace_id,
    correlationId: message.correlation_id,
    callbackData: message.callback_data,
    to: message.to_addr,
    attachments: message.attachments,
    status: message.status,
    previousStatus: previous,
    detail: change.detail ?? {},
    at: command.at,
  });
  if (body)
    batch.callbacks.push({
      eventId: command.eventId,
      messageId: message.id,
      workspaceId: message.workspace_id,
      url: message.notify_url,
      body,
    });
}
