import { Injectable, Logger } from '@nestjs/common';
import { ChannelType, MessageStatusChangedV1 } from '@smsgate/contracts';
import { ChannelsRepository, MessageStatusRepository, ParkedEventsRepository } from '@smsgate/db';
import { DataSource, EntityManager } from 'typeorm';
import { applyStatus } from './apply-status';
import { LedgerBatch } from './ledger-batch';
import { LedgerWriter } from './ledger-writer';
import { normaliseProviderId } from '@smsgate/channel-config';
import { replayedChange } from './replayed-change';
import { byTime, CommandResult, FollowUp, LedgerOutput, StatusCommand } from './status-command';

type Results = (CommandResult | undefined)[];

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
    private readonly channels: ChannelsRepository,
    private readonly messages: MessageStatusRepository,
    private readonly parked: ParkedEventsRepository,
    private readonly writer: LedgerWriter,
  ) {}

  async apply(db: EntityManager, commands: StatusCommand[]): Promise<LedgerOutput> {
    const results: Results = commands.map(() => undefined);
    const batch = new LedgerBatch();
    const providerIdOf = await this.checkChannels(db, commands, results);
    const providerIds = commands.map(providerIdOf);
    const seen = await this.findDuplicates(db, commands, results, batch);
    const targets = await this.findTargets(db, commands, results, providerIds, batch);
    await this.lockMessages(db, targets, results, batch);

    commands.forEach((command, index) => {
      if (!results[index]) results[index] = applyStatus(batch, command, targets[index], providerIds[index]);
    });
    await this.applyReleasedReceipts(db, batch, seen, providerIdOf);

    await this.writer.write(db, batch);
    return {
      results: results.map((result) => result ?? { kind: 'duplicate' }),
      changes: batch.changes,
      followUp: batch.followUp(),
    };
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
   * Channels must exist and belong to the workspace that reports through them: rejects the commands
   * whose channel does not. Answers how to read a command's provider id as its channel's type writes it.
   */
  private async checkChannels(
    db: EntityManager,
    commands: StatusCommand[],
    results: Results,
  ): Promise<(command: StatusCommand) => string | undefined> {
    const channelIds = [...new Set(commands.flatMap((c) => (c.channel ? [c.channel] : [])))];
    const channels = new Map(
      channelIds.length === 0
        ? []
        : (await this.channels.findOwners(channelIds, db)).map((row) => [row.id, row]),
    );
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
    return (command) => {
      if (!command.channel || !command.providerMessageId) return undefined;
      const channel = channels.get(command.channel);
      return channel
        ? normaliseProviderId(channel.type as ChannelType, command.providerMessageId)
        : undefined;
    };
  }

  /**
   * Events already recorded (or twice in this batch) are duplicates: nothing changes, but their status
   * change is published again (a crash may have come between the commit and the publish; consumers
   * recognise the event id). Answers the event ids seen.
   */
  private async findDuplicates(
    db: EntityManager,
    commands: StatusCommand[],
    results: Results,
    batch: LedgerBatch,
  ): Promise<Set<string>> {
    const recorded = await this.messages.findRecordedEvents(
      db,
      commands.map((command) => command.eventId),
    );
    const recordedIds = new Map(recorded.map((row) => [row.event_id, row]));
    const seen = new Set<string>();
    commands.forEach((command, index) => {
      if (results[index]) return;
      const row = recordedIds.get(command.eventId);
      if (row || seen.has(command.eventId)) {
        results[index] = { kind: 'duplicate' };
        const change = row && replayedChange(row);
        if (change) batch.changes.push(change);
      }
      seen.add(command.eventId);
    });
    return seen;
  }

  /** The message each command is about: named, or found by its part's (channel, provider id). */
  private async findTargets(
    db: EntityManager,
    commands: StatusCommand[],
    results: Results,
    providerIds: (string | undefined)[],
    batch: LedgerBatch,
  ): Promise<(string | undefined)[]> {
    const lookups = commands.flatMap((command, index) => {
      const providerId = providerIds[index];
      return !results[index] && providerId && command.channel
        ? [{ channel: command.channel, providerId }]
        : [];
    });
    if (lookups.length > 0)
      for (const row of await this.messages.findPartOwners(db, lookups))
        batch.setOwner(row.channel_id, row.pid, { messageId: row.message_id, partIndex: row.part_index });
    return commands.map(
      (command, index) => command.messageId ?? batch.ownerOf(command.channel, providerIds[index])?.messageId,
    );
  }

  /** Locks the messages the batch applies statuses to, and reads them and their parts into it. */
  private async lockMessages(
    db: EntityManager,
    targets: (string | undefined)[],
    results: Results,
    batch: LedgerBatch,
  ): Promise<void> {
    const messageIds = [...new Set(targets.filter((id, index): id is string => !!id && !results[index]))];
    if (messageIds.length === 0) return;
    for (const row of await this.messages.lockMessages(db, messageIds)) batch.addMessage(row);
    for (const row of await this.messages.findParts(db, messageIds)) batch.addPart(row);
  }

  /**
   * Receipts parked for a provider id this transaction learned are applied here, to the message
   * already locked and in hand: one write of its final state rather than a second transaction that
   * reads it all again (SMSCs often send a receipt before the submit response has been applied).
   */
  private async applyReleasedReceipts(
    db: EntityManager,
    batch: LedgerBatch,
    seen: Set<string>,
    providerIdOf: (command: StatusCommand) => string | undefined,
  ): Promise<void> {
    if (batch.learned.length === 0) return;
    const released = await this.parked.takeReceipts<StatusCommand>(db, batch.learned, false);
    for (const command of released.sort(byTime)) {
      if (seen.has(command.eventId)) continue;
      seen.add(command.eventId);
      const providerId = providerIdOf(command);
      const owner = batch.ownerOf(command.channel, providerId);
      const result = applyStatus(batch, command, owner?.messageId, providerId);
      if (result.kind === 'rejected')
        this.logger.warn(`parked receipt ${command.eventId} not applied: ${result.reason}`);
    }
  }

  private async takeReleasable(db: EntityManager, keys: FollowUp): Promise<StatusCommand[]> {
    const released: StatusCommand[] = [];
    if (keys.receiptKeys.length > 0)
      released.push(...(await this.parked.takeReceipts<StatusCommand>(db, keys.receiptKeys, true)));
    if (keys.messageIds.length > 0)
      released.push(...(await this.parked.takeStatuses<StatusCommand>(db, keys.messageIds)));
    return released.sort(byTime);
  }
}
