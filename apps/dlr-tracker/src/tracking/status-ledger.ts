import { Injectable, Logger } from '@nestjs/common';
import { ChannelType, MessageStatus, MessageStatusChangedV1 } from '@smsgate/contracts';
import {
  CallbackOutboxRepository,
  ChannelOwnersRepository,
  EventDetail,
  EventRow,
  LedgerMessageRow,
  LedgerPartRow,
  MessageStatusRepository,
  NewCallback,
  ParkedEventsRepository,
} from '@smsgate/db';
import { DataSource, EntityManager } from 'typeorm';
import { callbackBody, callsBack, NotifyFormat } from '../callbacks/callback-body';
import { normaliseProviderId } from './provider-id';
import { SWEEPER_SOURCE } from '../domain/sources';
import { aggregateParts, decide, IncomingStatus, isFinal } from '../domain/status-machine';

type Detail = EventDetail;

/** One reported status, from a dispatch result, a provider receipt, the sweeper or a parked event. */
export interface StatusCommand {
  eventId: string;
  workspace: string;
  /** The channel that reported it; checked against the workspace. Absent for the sweeper. */
  channel?: string;
  /** Known for dispatch results; receipts are correlated by (channel, providerMessageId). */
  messageId?: string;
  providerMessageId?: string;
  status: MessageStatus;
  part?: { index: number; count: number };
  attempt?: number;
  detail?: Detail;
  at: string;
  source: string;
  /** Where the event came from, kept when it has to be parked. */
  origin?: { topic: string; partition: number; offset: string; payload: unknown };
}

export type CommandResult =
  | { kind: 'applied' }
  | { kind: 'kept'; reason: string }
  | { kind: 'duplicate' }
  | { kind: 'parked'; reason: string }
  | { kind: 'rejected'; reason: string };

export interface LedgerOutput {
  results: CommandResult[];
  /** Status changes to publish once the transaction committed (also those of replayed events). */
  changes: MessageStatusChangedV1[];
  /** What to look at again once the transaction committed: see `StatusLedger.settleRaces`. */
  followUp: FollowUp;
}

/**
 * Correlation keys a transaction parked events on or learned. A concurrent transaction may have done
 * the other half (parked the receipt whose provider id this one learned, or the reverse) without
 * either seeing the other's uncommitted rows; checking again after commit, on both sides, closes the
 * gap: whichever commits second sees the other's row.
 */
export interface FollowUp {
  receiptKeys: { channel: string; providerId: string }[];
  messageIds: string[];
}

export const noFollowUp = (): FollowUp => ({ receiptKeys: [], messageIds: [] });

interface MessageState extends LedgerMessageRow {
  changed: boolean;
  statusAt?: string;
  error?: Detail;
}

interface PartState extends LedgerPartRow {
  changed: boolean;
  updatedAt?: string;
}

interface ParkRow {
  command: StatusCommand;
  kind: 'status' | 'receipt';
  channel: string;
  providerMessageId: string | null;
  reason: string;
}

const byTime = (a: StatusCommand, b: StatusCommand) => a.at.localeCompare(b.at);
const pairKey = (channel: string, providerId: string) => `${channel}\u0000${providerId}`;
const partKey = (messageId: string, index: number) => `${messageId}\u0000${index}`;

/**
 * Applies reported statuses to messages and their parts inside the caller's transaction, with every
 * read and write batched: duplicates (by event id) change nothing, late reports are kept in history
 * without being applied, unknown messages and provider ids are parked, and a provider id learned here
 * releases the receipts parked for it. Returns what to publish after commit.
 */
@Injectable()
export class StatusLedger {
  private readonly logger = new Logger(StatusLedger.name);

  constructor(
    private readonly channels: ChannelOwnersRepository,
    private readonly messages: MessageStatusRepository,
    private readonly parked: ParkedEventsRepository,
    private readonly outbox: CallbackOutboxRepository,
  ) {}

  async apply(db: EntityManager, commands: StatusCommand[]): Promise<LedgerOutput> {
    const results: (CommandResult | undefined)[] = commands.map(() => undefined);
    const changes: MessageStatusChangedV1[] = [];

    // Channels must exist and belong to the workspace that reports through them.
    const channelIds = [...new Set(commands.flatMap((c) => (c.channel ? [c.channel] : [])))];
    const channels = new Map(
      channelIds.length === 0 ? [] : (await this.channels.find(channelIds, db)).map((row) => [row.id, row]),
    );
    const providerIdOf = (command: StatusCommand): string | undefined => {
      if (!command.channel || !command.providerMessageId) return undefined;
      const channel = channels.get(command.channel);
      return channel
        ? normaliseProviderId(channel.type as ChannelType, command.providerMessageId)
        : undefined;
    };
    const providerIds = commands.map(providerIdOf);
    commands.forEach((command, index) => {
      if (!command.channel) return;
      const channel = channels.get(command.channel);
      if (!channel) results[index] = { kind: 'rejected', reason: `unknown channel ${command.channel}` };
      else if (channel.workspace_id !== command.workspace)
        results[index] = {
          kind: 'rejected',
          reason: `channel ${command.channel} belongs to another workspace`,
        };
    });

    // Events already recorded: nothing changes, but their status change is published again (a crash may
    // have come between the commit and the publish; consumers recognise the event id).
    const eventIds = commands.map((command) => command.eventId);
    const recorded = await this.messages.findRecordedEvents(db, eventIds);
    const recordedIds = new Map(recorded.map((row) => [row.event_id, row]));
    const seen = new Set<string>();
    commands.forEach((command, index) => {
      if (results[index]) return;
      const row = recordedIds.get(command.eventId);
      if (row || seen.has(command.eventId)) {
        results[index] = { kind: 'duplicate' };
        if (row?.applied && row.detail && typeof row.detail.messageStatus === 'string') {
          changes.push({
            eventId: row.event_id,
            id: row.message_id,
            workspace: row.workspace_id,
            direction: row.direction,
            correlationId: row.correlation_id ?? undefined,
            status: row.detail.messageStatus as MessageStatus,
            previousStatus: (row.detail.previousMessageStatus as MessageStatus | undefined) ?? undefined,
            detail: publicDetail(row.detail),
            at: row.at.toISOString(),
          });
        }
      }
      seen.add(command.eventId);
    });

    // Receipts: find the part by (channel, provider id).
    const lookups = commands
      .map((command, index) => ({ command, index, providerId: providerIds[index] }))
      .filter(({ index, providerId, command }) => !results[index] && providerId && command.channel);
    const owners = new Map<string, { messageId: string; partIndex: number }>();
    if (lookups.length > 0) {
      const rows = await this.messages.findPartOwners(
        db,
        lookups.map((l) => ({ channel: l.command.channel!, providerId: l.providerId! })),
      );
      for (const row of rows)
        owners.set(pairKey(row.channel_id, row.pid), {
          messageId: row.message_id,
          partIndex: row.part_index,
        });
    }
    const targets = commands.map((command, index) => {
      if (command.messageId) return command.messageId;
      const providerId = providerIds[index];
      return command.channel && providerId
        ? owners.get(pairKey(command.channel, providerId))?.messageId
        : undefined;
    });

    // Lock the messages in id order (one order for every transaction: no deadlocks between partitions).
    const messageIds = [...new Set(targets.filter((id, index): id is string => !!id && !results[index]))];
    const messages = new Map<string, MessageState>();
    const parts = new Map<string, PartState>();
    const partsOf = new Map<string, PartState[]>();
    const addPart = (part: PartState) => {
      parts.set(partKey(part.message_id, part.part_index), part);
      const siblings = partsOf.get(part.message_id);
      if (siblings) siblings.push(part);
      else partsOf.set(part.message_id, [part]);
    };
    if (messageIds.length > 0) {
      const rows = await this.messages.lockMessages(db, messageIds);
      // Every field set up front, in one literal: one object shape for all of them.
      for (const row of rows)
        messages.set(row.id, {
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
          changed: false,
          statusAt: undefined,
          error: undefined,
        });
      const partRows = await this.messages.findParts(db, messageIds);
      for (const row of partRows)
        addPart({
          message_id: row.message_id,
          part_index: row.part_index,
          channel_id: row.channel_id,
          provider_message_id: row.provider_message_id,
          status: row.status,
          attempt: row.attempt,
          changed: false,
          updatedAt: undefined,
        });
    }

    const events: EventRow[] = [];
    const outbox: NewCallback[] = [];
    const parked: ParkRow[] = [];
    const learned: { channel: string; providerId: string }[] = [];

    const applyOne = (
      command: StatusCommand,
      messageId: string | undefined,
      providerId: string | undefined,
    ): CommandResult => {
      const message = messageId ? messages.get(messageId) : undefined;
      if (!message) {
        const receipt = !command.messageId;
        const reason = receipt
          ? `no message with provider id ${command.providerMessageId} on channel ${command.channel} yet`
          : `message ${command.messageId} is not known yet`;
        if (command.channel && command.origin) {
          parked.push({
            command,
            kind: receipt ? 'receipt' : 'status',
            channel: command.channel,
            providerMessageId: providerId ?? null,
            reason,
          });
          return { kind: 'parked', reason };
        }
        return { kind: 'rejected', reason };
      }
      if (message.workspace_id !== command.workspace) {
        return { kind: 'rejected', reason: `message ${message.id} belongs to another workspace` };
      }
      if (message.direction !== 'out') {
        return { kind: 'rejected', reason: `message ${message.id} is inbound` };
      }

      const detail: Detail = { ...command.detail, source: command.source };
      if (command.attempt !== undefined) detail.attempt = command.attempt;
      if (command.providerMessageId) detail.providerMessageId = command.providerMessageId;

      // Which part the report is about: given, found by provider id, or the only part.
      const owner =
        command.channel && providerId ? owners.get(pairKey(command.channel, providerId)) : undefined;
      const partIndex =
        command.part?.index ?? owner?.partIndex ?? (command.providerMessageId ? 0 : undefined);
      const previous = message.status;
      const verdict = command.source === SWEEPER_SOURCE;
      let candidate: IncomingStatus | undefined = {
        status: command.status,
        attempt: command.attempt,
        verdict,
      };
      let partApplied = false;

      if (partIndex !== undefined) {
        detail.part = partIndex;
        const count = command.part?.count ?? (partIndex === 0 ? 1 : partIndex + 1);
        if (message.part_count === null || count > message.part_count) {
          message.part_count = count;
          message.changed = true;
        }
        let part = parts.get(partKey(message.id, partIndex));
        if (!part) {
          part = {
            message_id: message.id,
            part_index: partIndex,
            channel_id: command.channel ?? message.channel_id,
            provider_message_id: null,
            status: 'accepted',
            attempt: 0,
            changed: true,
            updatedAt: undefined,
          };
          addPart(part);
        }
        if (providerId && command.channel && part.provider_message_id !== providerId) {
          const holder = owners.get(pairKey(command.channel, providerId));
          if (holder && (holder.messageId !== message.id || holder.partIndex !== partIndex)) {
            detail.providerIdConflict = `already names message ${holder.messageId} part ${holder.partIndex}`;
          } else if (part.provider_message_id === null) {
            part.provider_message_id = providerId;
            part.channel_id = command.channel;
            part.changed = true;
            owners.set(pairKey(command.channel, providerId), { messageId: message.id, partIndex });
            learned.push({ channel: command.channel, providerId });
          }
        }
        const decision = decide(part, candidate);
        if (decision.apply) {
          part.status = decision.next.status;
          part.attempt = decision.next.attempt;
          part.updatedAt = command.at;
          part.changed = true;
          partApplied = true;
          if (isFinal(decision.next.status)) {
            const siblings = (partsOf.get(message.id) ?? []).map((p) => p.status);
            const aggregate = aggregateParts(siblings, message.part_count ?? 1);
            candidate = aggregate
              ? { status: aggregate, attempt: decision.next.attempt, verdict }
              : undefined;
          }
        } else candidate = undefined;
      }

      const decision = candidate ? decide(message, candidate) : undefined;
      const applied = decision?.apply === true;
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
        changes.push(change);
        if (message.notify_url && callsBack(message.notify_on, message.status)) {
          const body = callbackBody((message.notify_format ?? 'smsgate') as NotifyFormat, {
            eventId: command.eventId,
            messageId: message.id,
            workspace: message.workspace_id,
            correlationId: message.correlation_id,
            callbackData: message.callback_data,
            to: message.to_addr,
            status: message.status,
            previousStatus: previous,
            detail: change.detail ?? {},
            at: command.at,
          });
          if (body)
            outbox.push({
              eventId: command.eventId,
              messageId: message.id,
              workspaceId: message.workspace_id,
              url: message.notify_url,
              body,
            });
        }
      }
      events.push({
        event_id: command.eventId,
        message_id: message.id,
        status: command.status,
        previous_status: previous,
        applied: applied || partApplied,
        part_index: partIndex ?? null,
        source: command.source,
        detail,
        at: command.at,
      });
      return applied || partApplied
        ? { kind: 'applied' }
        : {
            kind: 'kept',
            reason: `kept in history: ${decision && !decision.apply ? decision.reason : 'part not newer'}`,
          };
    };

    commands.forEach((command, index) => {
      if (!results[index]) results[index] = applyOne(command, targets[index], providerIds[index]);
    });

    // Receipts parked for a provider id this transaction learned are applied here, to the message
    // already locked and in hand: one write of its final state rather than a second transaction that
    // reads it all again (SMSCs often send a receipt before the submit response has been applied).
    if (learned.length > 0) {
      const released = await this.takeParkedReceipts(db, learned, false);
      for (const command of released.sort(byTime)) {
        if (seen.has(command.eventId)) continue;
        seen.add(command.eventId);
        const providerId = providerIdOf(command);
        const owner =
          providerId && command.channel ? owners.get(pairKey(command.channel, providerId)) : undefined;
        const result = applyOne(command, owner?.messageId, providerId);
        if (result.kind === 'rejected')
          this.logger.warn(`parked receipt ${command.eventId} not applied: ${result.reason}`);
      }
    }

    await this.write(db, events, [...messages.values()], [...parts.values()], outbox, parked);

    const followUp: FollowUp = {
      receiptKeys: [
        ...learned,
        ...parked
          .filter((p) => p.kind === 'receipt' && p.providerMessageId !== null)
          .map((p) => ({ channel: p.channel, providerId: p.providerMessageId! })),
      ],
      messageIds: parked.flatMap((p) =>
        p.kind === 'status' && p.command.messageId ? [p.command.messageId] : [],
      ),
    };
    return { results: results.map((result) => result ?? { kind: 'duplicate' }), changes, followUp };
  }

  /**
   * After a transaction committed: applies the events parked on its follow-up keys whose other half
   * now exists (the part with that provider id, or the message), each round in its own transaction,
   * until nothing more is released. Taking parked rows is a DELETE … RETURNING, so when both sides
   * of a race look, one of them gets the events.
   */
  async settleRaces(dataSource: DataSource, followUp: FollowUp): Promise<MessageStatusChangedV1[]> {
    const changes: MessageStatusChangedV1[] = [];
    let next = followUp;
    for (let round = 0; round < 5; round++) {
      if (next.receiptKeys.length === 0 && next.messageIds.length === 0) break;
      const keys = next;
      const output = await dataSource.transaction(async (db) => {
        const released = await this.takeReleasable(db, keys);
        return released.length > 0 ? this.apply(db, released) : undefined;
      });
      if (!output) break;
      changes.push(...output.changes);
      next = output.followUp;
    }
    return changes;
  }

  private takeParkedReceipts(
    db: EntityManager,
    keys: { channel: string; providerId: string }[],
    committedPart: boolean,
  ): Promise<StatusCommand[]> {
    return this.parked.takeReceipts<StatusCommand>(db, keys, committedPart);
  }

  private async takeReleasable(db: EntityManager, keys: FollowUp): Promise<StatusCommand[]> {
    const released: StatusCommand[] = [];
    if (keys.receiptKeys.length > 0)
      released.push(...(await this.takeParkedReceipts(db, keys.receiptKeys, true)));
    if (keys.messageIds.length > 0) {
      released.push(...(await this.parked.takeStatuses<StatusCommand>(db, keys.messageIds)));
    }
    return released.sort(byTime);
  }

  private async write(
    db: EntityManager,
    events: EventRow[],
    messages: MessageState[],
    parts: PartState[],
    outbox: NewCallback[],
    parked: ParkRow[],
  ): Promise<void> {
    await this.messages.insertEvents(db, events);
    await this.messages.updateMessages(
      db,
      messages
        .filter((m) => m.changed)
        .map((m) => ({
          id: m.id,
          status: m.status,
          attempt: m.attempt,
          part_count: m.part_count,
          channel_id: m.channel_id,
          status_at: m.statusAt ?? null,
          error: m.error ?? null,
        })),
    );
    await this.messages.upsertParts(
      db,
      parts
        .filter((p) => p.changed)
        .map((p) => ({
          message_id: p.message_id,
          part_index: p.part_index,
          channel_id: p.channel_id,
          provider_message_id: p.provider_message_id,
          status: p.status,
          attempt: p.attempt,
          updated_at: p.updatedAt ?? new Date().toISOString(),
        })),
    );
    await this.outbox.enqueue(db, outbox);
    await this.parked.park(
      db,
      parked.map((p) => ({
        eventId: p.command.eventId,
        kind: p.kind,
        workspaceId: p.command.workspace,
        channelId: p.channel,
        messageId: p.command.messageId ?? null,
        providerMessageId: p.providerMessageId,
        payload: p.command,
        sourceTopic: p.command.origin?.topic ?? '',
        sourcePartition: p.command.origin?.partition ?? 0,
        sourceOffset: p.command.origin?.offset ?? '0',
        reason: p.reason,
      })),
    );
  }
}

/** The detail published and called back: the provider's codes, without the ledger's own bookkeeping. */
function publicDetail(detail: Detail): Detail {
  const { messageStatus: _status, previousMessageStatus: _previous, ...rest } = detail;
  return rest;
}
