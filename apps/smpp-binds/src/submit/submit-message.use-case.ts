import { Inject, Injectable, Logger } from '@nestjs/common';
import { SmppSubmitRequestedV1, stableId, Topics } from '@smsgate/contracts';
import { ConsumedEvent, EventPublisher, Outcome, Outcomes } from '@smsgate/kafka';
import { BindsUnavailableError } from '@smsgate/smsc';
import { BindRegistry } from '../binds/bind-registry';
import { Ownership } from '../binds/ownership';
import { SmscChannels } from '../channels/smsc-channels';
import { protocolOf } from '../protocols';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';
import { submitsTotal } from '../metrics';
import { SubmittedPart, SubmitLedger } from './submit-ledger';
import { SubmittedParts } from './submitted-parts';

type Detail = Record<string, string | number | boolean | null>;

/**
 * Submits one message handed over by the dispatcher: splits it into parts (one concatenation
 * reference, derived from the message id so a replay reuses it), skips parts the SMSC already
 * acknowledged (the ledger), submits the rest through the channel's binds and publishes `sent` with
 * each part's SMSC message id. Returns only once the SMSC answered every part, so the consumer
 * commits the offset only then. A refused part fails the message with the SMSC's status; a channel
 * without a usable bind sends the message to the retry topic, and `failed` after the last attempt.
 */
@Injectable()
export class SubmitMessage {
  private readonly logger = new Logger(SubmitMessage.name);

  constructor(
    private readonly channels: SmscChannels,
    private readonly registry: BindRegistry,
    private readonly ownership: Ownership,
    private readonly ledger: SubmitLedger,
    private readonly submitted: SubmittedParts,
    private readonly publisher: EventPublisher,
    @Inject(SMPP_BINDS_CONFIG) private readonly config: SmppBindsConfig,
  ) {}

  /** The message ids being submitted here, each with the end of its last handling. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /**
   * Copies of one message (a hand-over the dispatcher published again after a publish timeout, a
   * batch fetched again after the consumer restarted while its handlers still ran) are handled one
   * after the other: the second reads the ledger the first wrote and submits nothing it submitted.
   */
  execute(event: ConsumedEvent<SmppSubmitRequestedV1>): Promise<Outcome> {
    const id = event.payload.id;
    const previous = this.inFlight.get(id);
    const run = previous
      ? previous.then(
          () => this.executeOnce(event),
          () => this.executeOnce(event),
        )
      : this.executeOnce(event);
    this.inFlight.set(id, run);
    const forget = () => {
      if (this.inFlight.get(id) === run) this.inFlight.delete(id);
    };
    run.then(forget, forget);
    return run;
  }

  private async executeOnce(event: ConsumedEvent<SmppSubmitRequestedV1>): Promise<Outcome> {
    // Receipts of this message's parts wait for its `sent` to be queued (see SubmittedParts); on any
    // other way out they wait for nothing.
    let releaseSent!: () => void;
    const sent = new Promise<void>((resolve) => (releaseSent = resolve));
    try {
      return await this.submit(event, sent, releaseSent);
    } finally {
      releaseSent();
    }
  }

  private async submit(
    event: ConsumedEvent<SmppSubmitRequestedV1>,
    sent: Promise<void>,
    releaseSent: () => void,
  ): Promise<Outcome> {
    const message = event.payload;
    const channel = await this.channels.get(message.channel);
    if (!channel || channel.workspaceId !== message.workspace) {
      await this.status(message, 'failed', { reason: 'channel unknown, disabled or deleted' });
      return Outcomes.done();
    }
    if (!channel.settings) {
      await this.status(message, 'failed', {
        reason: `channel config invalid: ${(channel.problems ?? []).join('; ')}`,
      });
      return Outcomes.done();
    }
    // Attempts spent before the event was handed over between replicas count too, so a message whose
    // channel has no bind anywhere fails after the configured retries instead of circling.
    const attempt = event.attempt + priorAttempts(event.headers);
    // A retried event may reach a replica that does not hold the channel: hand it back to the owner.
    if (event.attempt > 1 && !this.ownership.owns(channel.id)) {
      await this.publisher.publish(Topics.smppSubmitRequested, message, {
        key: channel.id,
        headers: { [PRIOR_ATTEMPTS_HEADER]: String(attempt - 1) },
      });
      return Outcomes.done();
    }

    const protocol = protocolOf(channel.type);
    const done = await this.ledger.partsOf(message.id);
    const parts = protocol.requests(channel, message);
    const acknowledged = new Map(done.map((part) => [part.index, part]));
    if (acknowledged.size === 0 && message.expiresAt && Date.parse(message.expiresAt) <= Date.now()) {
      await this.status(message, 'expired', { reason: 'expired before it was submitted' });
      return Outcomes.done();
    }

    const pool = this.registry.poolFor(channel);
    if (!pool) return Outcomes.retry('smpp-binds is shutting down');
    const deadline = Date.now() + this.config.SUBMIT_HOLD_MS;
    const results = await Promise.allSettled(
      parts
        .filter((part) => !acknowledged.has(part.index))
        .map(async (part) => {
          const result = await pool.submit(part.request, deadline);
          submitsTotal.inc({ channel: channel.id, result: result.kind });
          if (result.kind === 'refused') return { part, result };
          const submitted: SubmittedPart = {
            index: part.index,
            count: part.count,
            smscMessageId: result.messageId,
          };
          this.submitted.remember(channel.id, protocol.providerId(channel, result.messageId), {
            messageId: message.id,
            workspace: message.workspace,
            part: part.count > 1 ? { index: part.index, count: part.count } : undefined,
            sent,
          });
          await this.ledger.record(message.id, channel.id, submitted);
          acknowledged.set(part.index, submitted);
          return { part, result };
        }),
    );

    const unavailable = results.find((result) => result.status === 'rejected');
    if (unavailable) {
      const reason = (unavailable.reason as Error).message;
      if (!(unavailable.reason instanceof BindsUnavailableError)) throw unavailable.reason;
      if (attempt > this.config.RETRY_DELAYS_MS.length) {
        await this.status(message, 'failed', { reason: `no SMPP bind: ${reason}` });
        return Outcomes.deadLetter(`no SMPP bind after ${attempt} attempts: ${reason}`);
      }
      return Outcomes.retry(`no SMPP bind: ${reason}`);
    }
    const refused = results.flatMap((result) =>
      result.status === 'fulfilled' && result.value.result.kind === 'refused' ? [result.value] : [],
    );
    if (refused.length > 0) {
      const [{ part, result }] = refused;
      if (result.kind === 'refused') {
        await this.status(message, 'failed', {
          ...protocol.refusal(result.status, result.statusName),
          part: part.index,
        });
      }
      return Outcomes.done();
    }

    const publishing = this.publisher.publishAll(
      Topics.outboundStatus,
      [...acknowledged.values()].map((part) => ({
        payload: {
          eventId: stableId('smpp-sent', message.id, part.index),
          id: message.id,
          workspace: message.workspace,
          channel: channel.id,
          status: 'sent' as const,
          ...(part.count > 1 ? { part: { index: part.index, count: part.count } } : {}),
          providerMessageId: protocol.providerId(channel, part.smscMessageId) || undefined,
          detail: { smscMessageId: part.smscMessageId },
          at: new Date().toISOString(),
        },
        key: message.id,
      })),
    );
    // publishAll has queued the events: a receipt published from now on is behind them.
    releaseSent();
    await publishing;
    return Outcomes.done();
  }

  private async status(
    message: SmppSubmitRequestedV1,
    status: 'failed' | 'expired',
    detail: Detail,
  ): Promise<void> {
    this.logger.warn(
      `message ${message.id} on channel ${message.channel}: ${status} ${JSON.stringify(detail)}`,
    );
    await this.publisher.publish(
      Topics.outboundStatus,
      {
        eventId: stableId('smpp-result', message.id, status),
        id: message.id,
        workspace: message.workspace,
        channel: message.channel,
        status,
        detail,
        at: new Date().toISOString(),
      },
      { key: message.id },
    );
  }
}

/** Set on an event handed back to the channel's owner: the attempts it had used up until then. */
export const PRIOR_ATTEMPTS_HEADER = 'smsgate-prior-attempts';

const priorAttempts = (headers: Record<string, string>): number => {
  const value = Number(headers[PRIOR_ATTEMPTS_HEADER]);
  return Number.isInteger(value) && value > 0 && value < 1_000 ? value : 0;
};
