import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PayloadInput, Topics, uuidv7 } from '@smsgate/contracts';
import { NewServerSubmit, SmppServerSubmitsRepository, RecordedSubmit } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { MicroBatcher } from '@smsgate/runtime';
import { Status } from '@smsgate/smpp';
import { SmppAccount, SubmitRequest, SubmitSink } from '@smsgate/smpp-server';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from '../config';
import { submitsTotal } from '../metrics';

type Answer = { ok: true; messageId: string } | { ok: false; status: number };

/** The first characters of a text, as a receipt's `text:` field shows them. */
export const textHead = (text: string): string => [...text].slice(0, 20).join('');

/**
 * What makes a submit the same submit again: the account, the PDU's command and sequence number, and
 * everything it asked (addresses, coding, text, its place in a concatenated message). A client that
 * resends an answered submit as it was (same sequence number) within the dedupe window gets the first
 * answer's id and nothing is sent twice; a new submit of the same text has a new sequence number.
 */
export function dedupeKeyOf(submit: SubmitRequest): Buffer {
  return createHash('sha256')
    .update(
      JSON.stringify([
        submit.account.id,
        submit.command,
        submit.sequence,
        submit.from ?? '',
        submit.to,
        submit.dataCoding,
        submit.registeredDelivery,
        submit.serviceType,
        submit.concatenation ?? null,
        submit.text,
      ]),
    )
    .digest();
}

/** Where a concatenated message's parts gather: the account's message to one destination under one reference. */
export const concatKeyOf = (submit: SubmitRequest): string => {
  const c = submit.concatenation!;
  return [c.scheme, c.reference, c.total, submit.from ?? '', submit.to].join(':');
};

/** The parts present, in order, latest copy of each sequence. */
export function joinParts(parts: { sequence: number; text: string }[]): string {
  const bySequence = new Map<number, string>();
  for (const part of parts) bySequence.set(part.sequence, part.text);
  return [...bySequence.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, text]) => text)
    .join('');
}

/**
 * Accepted submits become `sms.outbound.requested.v1` events, the HTTP send API's, so routing,
 * failover, retries, tracking and callbacks are the same. A submit is answered with its id only once
 * its row is in smpp_server_submits and Kafka acknowledged its message (acks=-1). Concurrent submits share
 * round trips: one statement per batch, and the publisher batches too.
 *
 * The parts of a concatenated message are each recorded and answered with their own id; the part that
 * makes the group whole publishes the joined text as one message (smpp-binds splits it again for its
 * SMSC). Receipts then go to every part's id.
 */
@Injectable()
export class SmppSubmitSink implements SubmitSink {
  private readonly logger = new Logger('SmppSubmits');
  private readonly inserts: MicroBatcher<
    NewServerSubmit,
    Awaited<ReturnType<SmppServerSubmitsRepository['insertMany']>>[number]
  >;
  private readonly published = new MicroBatcher<string, void>(
    async (messageIds) => {
      await this.submits.markPublished(messageIds);
      return messageIds.map(() => undefined);
    },
    { maxBatch: 1_000, maxInFlight: 1 },
  );

  constructor(
    private readonly submits: SmppServerSubmitsRepository,
    private readonly publisher: EventPublisher,
    @Inject(SMPP_SERVER_CONFIG) private readonly config: SmppServerConfig,
  ) {
    this.inserts = new MicroBatcher((items) => this.submits.insertMany(items), {
      maxBatch: 500,
      maxInFlight: 2,
    });
  }

  async accept(submit: SubmitRequest): Promise<Answer> {
    const account = submit.account.systemId;
    try {
      const answer = submit.concatenation ? await this.acceptPart(submit) : await this.acceptWhole(submit);
      submitsTotal.inc({ account, result: answer.repeated ? 'repeated' : 'accepted' });
      return { ok: true, messageId: answer.id };
    } catch (error) {
      submitsTotal.inc({ account, result: 'failed' });
      this.logger.warn(
        `submit from ${account} not accepted: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { ok: false, status: Status.ESME_RSYSERR };
    }
  }

  private async acceptWhole(submit: SubmitRequest): Promise<{ id: string; repeated: boolean }> {
    const id = uuidv7();
    const recorded = await this.inserts.submit({
      id,
      accountId: submit.account.id,
      messageId: id,
      dedupeKey: dedupeKeyOf(submit),
      registeredDelivery: submit.registeredDelivery,
      source: submit.from ?? '',
      destination: submit.to,
      textHead: textHead(submit.text),
    });
    if (recorded.kind === 'seen') {
      // The same submit again: its first answer. If that one never reached Kafka, it goes now, under
      // the same message id (downstream keeps one message per id).
      if (!recorded.published) await this.publish(submit.account, recorded.messageId, submit, submit.text);
      return { id: recorded.id, repeated: true };
    }
    await this.publish(submit.account, id, submit, submit.text);
    return { id, repeated: false };
  }

  private async acceptPart(submit: SubmitRequest): Promise<{ id: string; repeated: boolean }> {
    const dedupeKey = dedupeKeyOf(submit);
    const concatKey = concatKeyOf(submit);
    const { total, sequence } = submit.concatenation!;
    const outcome = await this.submits.withGroup(submit.account.id, concatKey, async (db) => {
      const seen = await this.submits.findByKey(submit.account.id, dedupeKey);
      if (seen) return { seen, id: seen.id, messageId: seen.messageId, text: undefined };
      const open = await this.submits.openGroup(db, submit.account.id, concatKey);
      const id = uuidv7();
      const messageId = open[0]?.messageId ?? uuidv7();
      await this.submits.insertPart(db, {
        id,
        accountId: submit.account.id,
        messageId,
        dedupeKey,
        registeredDelivery: submit.registeredDelivery,
        source: submit.from ?? '',
        destination: submit.to,
        textHead: textHead(submit.text),
        concatKey,
        total,
        sequence,
        text: submit.text,
      });
      const parts = [...open, { sequence, text: submit.text }];
      const whole = new Set(parts.map((part) => part.sequence)).size >= total;
      if (whole) await this.submits.markJoined(db, messageId);
      return { seen: undefined, id, messageId, text: whole ? joinParts(parts) : undefined };
    });
    if (outcome.seen) {
      await this.republishPart(submit, outcome.seen);
      return { id: outcome.seen.id, repeated: true };
    }
    if (outcome.text !== undefined)
      await this.publish(submit.account, outcome.messageId, submit, outcome.text);
    return { id: outcome.id, repeated: false };
  }

  /** A resent part whose message was joined but never reached Kafka: the message goes now. */
  private async republishPart(submit: SubmitRequest, seen: RecordedSubmit): Promise<void> {
    if (seen.published) return;
    const parts = await this.submits.partsOf(seen.messageId);
    if (!parts.joined) return;
    await this.publish(submit.account, seen.messageId, submit, joinParts(parts.parts));
  }

  /** Publishes the message and records that it was (in the background: a miss only costs a republish). */
  async publish(
    account: SmppAccount,
    messageId: string,
    submit: Pick<SubmitRequest, 'to' | 'from' | 'expiresAt'>,
    text: string,
  ): Promise<void> {
    const event: PayloadInput<typeof Topics.outboundRequested> = {
      id: messageId,
      workspace: account.workspaceId,
      ...(account.channelId ? { channel: account.channelId } : {}),
      to: submit.to,
      ...(submit.from ? { from: submit.from } : {}),
      text,
      ...(submit.expiresAt ? { expiresAt: submit.expiresAt.toISOString() } : {}),
      metadata: { smppSystemId: account.systemId },
    };
    await this.publisher.publish(Topics.outboundRequested, event, { key: messageId });
    this.published
      .submit(messageId)
      .catch((error: unknown) =>
        this.logger.warn(
          `message ${messageId} published but not marked so (a resend publishes it again, harmlessly): ${
            error instanceof Error ? error.message : String(error)
          }`,
        ),
      );
  }

  /** Groups whose parts waited past SMPP_PARTS_TIMEOUT_SECONDS go out with the parts present. */
  async publishStale(accounts: (ids: string[]) => Promise<Map<string, SmppAccount>>): Promise<number> {
    const stale = await this.submits.staleGroups(this.config.SMPP_PARTS_TIMEOUT_SECONDS);
    if (stale.length === 0) return 0;
    const byId = await accounts([...new Set(stale.map((group) => group.accountId))]);
    let published = 0;
    for (const group of stale) {
      const account = byId.get(group.accountId);
      const joined = await this.submits.withGroup(group.accountId, group.concatKey, async (db) => {
        const open = await this.submits.openGroup(db, group.accountId, group.concatKey);
        if (open.length === 0) return undefined;
        await this.submits.markJoined(db, open[0].messageId);
        return {
          messageId: open[0].messageId,
          text: joinParts(open),
          to: open[0].destination,
          from: open[0].source,
        };
      });
      if (!joined || !account) continue;
      await this.publish(
        account,
        joined.messageId,
        { to: joined.to, from: joined.from || undefined },
        joined.text,
      );
      published++;
    }
    return published;
  }
}
