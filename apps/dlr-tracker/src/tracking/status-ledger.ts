import { Injectable, Logger } from '@nestjs/common';
import { ChannelType, MessageStatus, MessageStatusChangedV1 } from '@smsgate/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { callbackBody, callsBack, NotifyFormat } from '../callbacks/callback-body';
import { enqueueCallbacks, NewCallback } from '../callbacks/callback-outbox';
import { normaliseProviderId } from '@smsgate/channel-config';
import { SWEEPER_SOURCE } from '../domain/sources';
import { aggregateParts, decide, IncomingStatus, isFinal } from '../domain/status-machine';

type Detail = Record<string, string | number | boolean | null>;

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

interface MessageRow {
  id: string;
  workspace_id: string;
  channel_id: string | null;
  direction: 'in' | 'out';
  status: MessageStatus;
  attempt: number;
  part_count: number | null;
  correlation_id: string | null;
  notify_url: string | null;
  notify_format: string | null;
  notify_on: string[] | null;
  callback_data: string | null;
  to_addr: string | null;
}

interface PartRow {
  message_id: string;
  part_index: number;
  channel_id: string | null;
  provider_message_id: string | null;
  status: MessageStatus;
  attempt: number;
}

interface MessageState extends MessageRow {
  changed: boolean;
  statusAt?: string;
  error?: Detail;
}

interface PartState extends PartRow {
  changed: boolean;
  updatedAt?: string;
}

/** A history row, named as its columns: written as it is (one JSON document per statement). */
interface EventRow {
  event_id: string;
  message_id: string;
  status: MessageStatus;
  previous_status: MessageStatus;
  applied: boolean;
  part_index: number | null;
  source: string;
  detail: Detail;
  at: string;
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

  async apply(db: EntityManager, commands: StatusCommand[]): Promise<LedgerOutput> {
    const results: (CommandResult | undefined)[] = commands.map(() => undefined);
    const changes: MessageStatusChangedV1[] = [];

    // Channels must exist and belong to the workspace that reports through them.
    const channelIds = [...new Set(commands.flatMap((c) => (c.channel ? [c.channel] : [])))];
    const channels = new Map(
      channelIds.length === 0
        ? []
        : (
            await db.query<{ id: string; workspace_id: string; type: ChannelType }[]>(
              `SELECT id, workspace_id, type FROM channels WHERE id = ANY($1::uuid[])`,
              [channelIds],
            )
          ).map((row) => [row.id, row]),
    );
    const providerIdOf = (command: StatusCommand): string | undefined => {
      if (!command.channel || !command.providerMessageId) return undefined;
      const channel = channels.get(command.channel);
      return channel ? normaliseProviderId(channel.type, command.providerMessageId) : undefined;
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
    const recorded = await db.query<
      {
        event_id: string;
        message_id: string;
        workspace_id: string;
        direction: 'in' | 'out';
        correlation_id: string | null;
        status: MessageStatus;
        previous_status: MessageStatus | null;
        detail: Detail | null;
        at: Date;
        applied: boolean;
      }[]
    >(
      `SELECT e.event_id, e.message_id, m.workspace_id, m.direction, m.correlation_id, e.status,
              e.previous_status, e.detail, e.at, e.applied
       FROM message_events e JOIN messages m ON m.id = e.message_id
       WHERE e.event_id = ANY($1::uuid[])`,
      [eventIds],
    );
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
      const rows = await db.query<
        { message_id: string; part_index: number; channel_id: string; pid: string }[]
      >(
        // One index probe per receipt, whatever the statistics say (taken while the table was small,
        // they made the planner hash-join a scan of every part, a cost growing with the table).
        `SELECT p.message_id, p.part_index, p.channel_id, p.provider_message_id AS pid
         FROM unnest($1::uuid[], $2::text[]) AS u(ch, pid)
         CROSS JOIN LATERAL (
           SELECT message_id, part_index, channel_id, provider_message_id FROM message_parts
           WHERE channel_id = u.ch AND provider_message_id = u.pid LIMIT 1) p`,
        [lookups.map((l) => l.command.channel), lookups.map((l) => l.providerId)],
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
      const rows = await db.query<MessageRow[]>(
        `SELECT id, workspace_id, channel_id, direction, status, attempt, part_count, correlation_id,
                notify_url, notify_format, notify_on, callback_data, to_addr
         FROM messages WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [messageIds],
      );
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
      const partRows = await db.query<PartRow[]>(
        `SELECT message_id, part_index, channel_id, provider_message_id, status, attempt
         FROM message_parts WHERE message_id = ANY($1::uuid[])`,
        [messageIds],
      );
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

  /**
   * DELETE … RETURNING of the receipts parked on these keys; with `committedPart`, only those whose
   * part (the provider id's owner) exists for this transaction to see. Index probes per key, as for
   * the owner lookup in apply(). (A CTE, because TypeORM hands back [rows, count] for a bare DELETE.)
   */
  private async takeParkedReceipts(
    db: EntityManager,
    keys: { channel: string; providerId: string }[],
    committedPart: boolean,
  ): Promise<StatusCommand[]> {
    const rows = await db.query<{ payload: StatusCommand }[]>(
      `WITH released AS (
         DELETE FROM parked_events p
         WHERE p.event_id IN (
           SELECT q.event_id
           FROM unnest($1::uuid[], $2::text[]) AS u(ch, pid)
           CROSS JOIN LATERAL (
             SELECT event_id FROM parked_events
             WHERE kind = 'receipt' AND channel_id = u.ch AND provider_message_id = u.pid) q
           ${
             committedPart
               ? `WHERE EXISTS (SELECT 1 FROM message_parts mp
                                WHERE mp.channel_id = u.ch AND mp.provider_message_id = u.pid)`
               : ''
           })
         RETURNING p.payload)
       SELECT * FROM released`,
      [keys.map((k) => k.channel), keys.map((k) => k.providerId)],
    );
    return rows.map((row) => row.payload);
  }

  private async takeReleasable(db: EntityManager, keys: FollowUp): Promise<StatusCommand[]> {
    const released: StatusCommand[] = [];
    if (keys.receiptKeys.length > 0)
      released.push(...(await this.takeParkedReceipts(db, keys.receiptKeys, true)));
    if (keys.messageIds.length > 0) {
      const rows = await db.query<{ payload: StatusCommand }[]>(
        `WITH released AS (
           DELETE FROM parked_events p
           WHERE p.kind = 'status' AND p.message_id = ANY($1::uuid[])
             AND EXISTS (SELECT 1 FROM messages m WHERE m.id = p.message_id)
           RETURNING p.payload)
         SELECT * FROM released`,
        [keys.messageIds],
      );
      released.push(...rows.map((row) => row.payload));
    }
    return released.sort(byTime);
  }

  /**
   * Each statement gets its rows as one JSON document (`jsonb_to_recordset`): one parameter, encoded
   * natively, instead of one array literal per column that the driver escapes element by element.
   */
  private async write(
    db: EntityManager,
    events: EventRow[],
    messages: MessageState[],
    parts: PartState[],
    outbox: NewCallback[],
    parked: ParkRow[],
  ): Promise<void> {
    if (events.length > 0)
      await db.query(
        `INSERT INTO message_events (event_id, message_id, status, previous_status, applied, part_index, source,
                                     detail, at)
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS u(event_id uuid, message_id uuid, status text, previous_status text, applied boolean,
                part_index int, source text, detail jsonb, at timestamptz)
         ON CONFLICT (event_id) DO NOTHING`,
        [JSON.stringify(events)],
      );
    const changed = messages.filter((m) => m.changed);
    if (changed.length > 0)
      await db.query(
        `UPDATE messages m
         SET status = u.status, attempt = u.attempt, part_count = u.part_count,
             channel_id = COALESCE(m.channel_id, u.channel_id),
             status_at = COALESCE(u.status_at, m.status_at), error = COALESCE(u.error, m.error),
             updated_at = now()
         FROM jsonb_to_recordset($1::jsonb)
           AS u(id uuid, status text, attempt int, part_count int, channel_id uuid, status_at timestamptz,
                error jsonb)
         WHERE m.id = u.id`,
        [
          JSON.stringify(
            changed.map((m) => ({
              id: m.id,
              status: m.status,
              attempt: m.attempt,
              part_count: m.part_count,
              channel_id: m.channel_id,
              status_at: m.statusAt ?? null,
              error: m.error ?? null,
            })),
          ),
        ],
      );
    const changedParts = parts.filter((p) => p.changed);
    if (changedParts.length > 0)
      await db.query(
        `INSERT INTO message_parts (message_id, part_index, channel_id, provider_message_id, status, attempt,
                                    updated_at)
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS u(message_id uuid, part_index int, channel_id uuid, provider_message_id text, status text,
                attempt int, updated_at timestamptz)
         ON CONFLICT (message_id, part_index) DO UPDATE
         SET channel_id = EXCLUDED.channel_id, provider_message_id = EXCLUDED.provider_message_id,
             status = EXCLUDED.status, attempt = EXCLUDED.attempt, updated_at = EXCLUDED.updated_at`,
        [
          JSON.stringify(
            changedParts.map((p) => ({
              message_id: p.message_id,
              part_index: p.part_index,
              channel_id: p.channel_id,
              provider_message_id: p.provider_message_id,
              status: p.status,
              attempt: p.attempt,
              updated_at: p.updatedAt ?? new Date().toISOString(),
            })),
          ),
        ],
      );
    await enqueueCallbacks(db, outbox);
    if (parked.length > 0)
      await db.query(
        `INSERT INTO parked_events (event_id, kind, workspace_id, channel_id, message_id, provider_message_id,
                                    payload, source_topic, source_partition, source_offset, reason, parked_at)
         SELECT u.*, now()
         FROM jsonb_to_recordset($1::jsonb)
           AS u(event_id uuid, kind text, workspace_id uuid, channel_id uuid, message_id uuid,
                provider_message_id text, payload jsonb, source_topic text, source_partition int,
                source_offset text, reason text)
         ON CONFLICT (event_id) DO NOTHING`,
        [
          JSON.stringify(
            parked.map((p) => ({
              event_id: p.command.eventId,
              kind: p.kind,
              workspace_id: p.command.workspace,
              channel_id: p.channel,
              message_id: p.command.messageId ?? null,
              provider_message_id: p.providerMessageId,
              payload: p.command,
              source_topic: p.command.origin?.topic ?? '',
              source_partition: p.command.origin?.partition ?? 0,
              source_offset: p.command.origin?.offset ?? '0',
              reason: p.reason,
            })),
          ),
        ],
      );
  }
}

/** The detail published and called back: the provider's codes, without the ledger's own bookkeeping. */
function publicDetail(detail: Detail): Detail {
  const { messageStatus: _status, previousMessageStatus: _previous, ...rest } = detail;
  return rest;
}
