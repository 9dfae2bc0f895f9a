import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  messageIdFromRecord,
  MessageStatus,
  OutboundRequestedV1,
  stableId,
  Topics,
} from '@smsgate/contracts';
import { ConsumedEvent, EventPublisher, Outcome, Outcomes } from '@smsgate/kafka';
import { sendDuration } from '@smsgate/runtime';
import { countSegments } from '@smsgate/sms';
import {
  attachmentsRefusal,
  channelTypeOf,
  ChannelAdapter,
  Detail,
  SendResult,
  textWithAttachments,
} from '@smsgate/channel-config';
import type { HttpClient } from '@smsgate/egress';
import { ChannelDirectory, DispatchChannel } from '../channels/channel-directory';
import { DISPATCHER_CONFIG, DispatcherConfig } from '../config';
import { RouteResolver } from '../routing/route-resolver';
import { AttemptLedger } from './attempt-ledger';
import { ChannelRateLimiter, pauseOf } from './channel-rate-limiter';
import { OptOutList } from './opt-out-list';

export const CHANNEL_ADAPTERS = Symbol('CHANNEL_ADAPTERS');
export const HTTP_CLIENT = Symbol('HTTP_CLIENT');

interface Context {
  id: string;
  request: OutboundRequestedV1;
  attempt: number;
  lastAttempt: boolean;
  /** Known once a channel is picked; a label of the message metrics. */
  channelType?: string;
}

/**
 * Sends one requested message: expiry, channel (given, or by the workspace's routes with failover by
 * attempt), opt-out, rate limit and priority, then the channel's adapter — or, for SMPP channels, a
 * hand-over to smpp-binds. Every result is published on `sms.outbound.status.v1`; the outcome tells the
 * consumer to commit, retry later, or dead-letter after the last attempt.
 */
@Injectable()
export class DispatchMessage {
  constructor(
    private readonly channels: ChannelDirectory,
    private readonly routes: RouteResolver,
    private readonly attempts: AttemptLedger,
    private readonly limiter: ChannelRateLimiter,
    private readonly publisher: EventPublisher,
    private readonly optOuts: OptOutList,
    @Inject(CHANNEL_ADAPTERS) private readonly adapters: ReadonlyMap<string, ChannelAdapter>,
    @Inject(HTTP_CLIENT) private readonly http: HttpClient,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {}

  async execute(event: ConsumedEvent<OutboundRequestedV1>): Promise<Outcome> {
    const request = event.payload;
    const context: Context = {
      id:
        request.id ??
        messageIdFromRecord(event.topic, event.partition, event.offset, Number(event.timestamp)),
      request,
      attempt: event.attempt,
      lastAttempt: event.attempt > this.config.RETRY_DELAYS_MS.length,
    };

    if (request.expiresAt && Date.parse(request.expiresAt) <= Date.now()) {
      await this.status(context, 'expired', request.channel, { reason: 'expired before it could be sent' });
      return Outcomes.done();
    }

    const candidates = request.channel
      ? [request.channel]
      : await this.routes.channelsFor(request.workspace, request.to);
    if (candidates.length === 0) {
      await this.status(context, 'no_route', undefined, { reason: 'no_route' });
      return Outcomes.done();
    }
    const picked = await this.pickChannel(request, candidates, context.attempt);
    const channel = picked?.channel;
    context.channelType = channel?.type;
    if (!channel) {
      await this.status(context, 'failed', request.channel, { reason: 'channel_unavailable' });
      return Outcomes.deadLetter('no usable channel: unknown, disabled or of another workspace');
    }
    if (picked.refusal) {
      await this.status(context, 'failed', channel.id, { reason: `attachments: ${picked.refusal}` });
      return Outcomes.done();
    }
    if (await this.optOuts.has(channel.id, request.to)) {
      await this.status(context, 'failed', channel.id, { reason: 'opted_out' });
      return Outcomes.done();
    }

    if (channelTypeOf(channel.type).outbound.via === 'smpp-binds') {
      // Both at once: they leave in one produce request. A `queued` whose hand-over then fails is
      // published again, with the same event id, by the retry.
      const handOver = this.publisher.publish(
        Topics.smppSubmitRequested,
        {
          id: context.id,
          workspace: request.workspace,
          channel: channel.id,
          to: request.to,
          from: request.from ?? channel.address ?? undefined,
          // Only a channel set to `append_url` gets here with files (pickChannel): their URLs go in the text.
          text: request.attachments ? textWithAttachments(request) : request.text,
          priority: request.priority,
          expiresAt: request.expiresAt,
          correlationId: request.correlationId,
          requestedAt: new Date().toISOString(),
        },
        { key: channel.id },
      );
      await Promise.all([handOver, this.status(context, 'queued', channel.id, { via: 'smpp-binds' })]);
      return Outcomes.done();
    }
    const adapter = this.adapters.get(channel.type);
    if (!adapter) {
      await this.status(context, 'failed', channel.id, { reason: 'no adapter for this channel type' });
      return Outcomes.deadLetter('no adapter for this channel type');
    }
    const from = request.from ?? channel.address;
    if (!from) {
      await this.status(context, 'failed', channel.id, {
        reason: 'no sender: set the channel address or from',
      });
      return Outcomes.deadLetter('no sender address');
    }

    // A copy of an event whose attempt this process is sending right now is that send's business.
    const attemptKey = `${context.id}:${context.attempt}`;
    if (this.sending.has(attemptKey)) return Outcomes.skipped('duplicate of an attempt in flight');
    this.sending.add(attemptKey);
    try {
      const started = await this.attempts.begin(context.id, context.attempt, channel.id);
      let result: SendResult;
      if (started.kind === 'finished') {
        // Its statuses again, under the attempt that sent it: the tracker has them once.
        if (started.attempt !== context.attempt)
          return await this.settle(
            { ...context, attempt: started.attempt },
            channel,
            candidates.length,
            started.result,
          );
        result = started.result;
      } else {
        // A file is a request of its own on template channels; elsewhere its URL lengthens the text.
        const parts = countSegments(request.text).segments + (request.attachments?.length ?? 0);
        await this.limiter.take(channel.id, channel.tps, parts, request.priority);
        const timer = sendDuration.startTimer({ channel_type: channel.type });
        result = await adapter.send(
          {
            id: context.id,
            to: request.to,
            from,
            text: request.text,
            channel: channel.id,
            partsDelivered: started.kind === 'new' ? started.partsDelivered : undefined,
            priority: request.priority,
            expiresAt: request.expiresAt,
            quickReplies: request.quickReplies,
            attachments: request.attachments,
          },
          { id: channel.id, address: channel.address, config: channel.config, secrets: channel.secrets },
          this.http,
        );
        timer({ result: result.kind });
        await Promise.all([
          this.attempts.finish(context.id, context.attempt, result),
          this.pauseOnRetryAfter(channel, result),
        ]);
      }
      return await this.settle(context, channel, candidates.length, result);
    } finally {
      this.sending.delete(attemptKey);
    }
  }

  private readonly sending = new Set<string>();
  private readonly logger = new Logger(DispatchMessage.name);

  /** The provider's `Retry-After` (429, 503) pauses the whole channel; the message retries after it. */
  private async pauseOnRetryAfter(channel: DispatchChannel, result: SendResult): Promise<void> {
    if (result.kind !== 'retry') return;
    const pause = pauseOf(result.retryAfterMs, this.config.DISPATCH_RETRY_AFTER_MAX_MS);
    if (!pause) return;
    if (pause.capped) {
      this.logger.warn(
        `channel ${channel.id}: Retry-After of ${result.retryAfterMs} ms capped at ${pause.ms} ms ` +
          '(DISPATCH_RETRY_AFTER_MAX_MS)',
      );
    }
    // This replica is paused already; the other replicas only learn it from the budget.
    await this.limiter.pause(channel.id, channel.tps, pause.ms).catch((error: unknown) => {
      this.logger.warn(`channel ${channel.id}: pause not shared with the other replicas (${String(error)})`);
    });
  }

  private async settle(
    context: Context,
    channel: DispatchChannel,
    candidates: number,
    result: SendResult,
  ): Promise<Outcome> {
    switch (result.kind) {
      case 'accepted': {
        const ids = result.providerMessageIds;
        if (result.partIds) {
          // Numbered among all the message's parts: a resumed send reports only its own, as they are.
          await Promise.all(
            result.partIds.map(({ part, id }) =>
              this.status(context, result.status, channel.id, result.detail, {
                providerMessageId: id,
                part: { index: part, count: result.parts },
              }),
            ),
          );
        } else if (ids.length <= 1) {
          await this.status(context, result.status, channel.id, result.detail, { providerMessageId: ids[0] });
        } else {
          await Promise.all(
            ids.map((providerMessageId, index) =>
              this.status(context, result.status, channel.id, result.detail, {
                providerMessageId,
                part: { index, count: ids.length },
              }),
            ),
          );
        }
        return Outcomes.done();
      }
      case 'retry':
      case 'failed': {
        // A permanent failure is final unless another channel of the route can still be tried.
        const failover = result.kind === 'failed' && candidates > 1 && context.attempt < candidates;
        const again = (result.kind === 'retry' || failover) && !context.lastAttempt;
        const detail = { ...result.detail, reason: result.reason };
        if (again) {
          await this.status(context, 'errored', channel.id, detail);
          return Outcomes.retry(result.reason);
        }
        await this.status(context, 'failed', channel.id, detail);
        return Outcomes.deadLetter(`send failed on attempt ${context.attempt}: ${result.reason}`);
      }
    }
  }

  /** Attempt n uses the route's channel n (cycling), skipping channels that cannot be used now. */
  /**
   * The first usable candidate, in failover order from this attempt's; for a message with attachments,
   * the first usable one that can carry them. When none can, the first usable one, with the reason it
   * cannot (the message then fails with it).
   */
  private async pickChannel(
    request: OutboundRequestedV1,
    candidates: string[],
    attempt: number,
  ): Promise<{ channel: DispatchChannel; refusal?: string } | null> {
    let refused: { channel: DispatchChannel; refusal: string } | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const channel = await this.channels.usable(
        request.workspace,
        candidates[(attempt - 1 + i) % candidates.length],
      );
      if (!channel) continue;
      const refusal = attachmentsRefusal(channel, request.attachments);
      if (!refusal) return { channel };
      refused ??= { channel, refusal };
    }
    return refused ?? null;
  }

  private status(
    context: Context,
    status: MessageStatus,
    channel: string | undefined,
    detail?: Detail,
    extra: { providerMessageId?: string; part?: { index: number; count: number } } = {},
  ): Promise<void> {
    return this.publisher.publish(
      Topics.outboundStatus,
      {
        // Stable: a replayed attempt publishes the same event, which dlr-tracker applies once.
        eventId: stableId('dispatch', context.id, context.attempt, status, extra.part?.index ?? -1),
        id: context.id,
        workspace: context.request.workspace,
        channel,
        status,
        attempt: context.attempt,
        providerMessageId: extra.providerMessageId,
        part: extra.part,
        detail,
        at: new Date().toISOString(),
      },
      { key: context.id, channelType: context.channelType },
    );
  }
}
