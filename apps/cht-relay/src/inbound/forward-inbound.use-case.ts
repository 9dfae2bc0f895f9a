import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InboundReceivedV1 } from '@smsgate/contracts';
import { ChtGatewayInboxRepository, ChtInboundForwardsRepository } from '@smsgate/db';
import { type ConsumedEvent, type Outcome, Outcomes } from '@smsgate/kafka';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { type Exchange, forwardResults, formBody, joinUrl, RelayHttp } from '../http/relay-http';
import { mapConcurrently } from '@smsgate/runtime';
import { UnavailableTargets } from '../http/unavailable-targets';
import { LoopGuard, MESSAGE_LOOP_REASON } from '../loops/loop-guard';
import { CHT_INCOMING_PATHS, ChtTarget, RapidProChannel, RelaySettings } from '../settings/relay-settings';
import {
  apiStatusChange,
  type ChtApiVersion,
  chtPathNotFound,
  chtPathsToTry,
  isPathNotFound,
} from './cht-api-path';
import { chtVerdict, combine, mayHaveArrived, rapidProVerdict } from './forward-outcome';
import { relayedContent } from './relayed-content';

const CONCURRENCY = 16;

/** No answer or a 5xx: the target is down, not just refusing this one message. */
const isUnavailable = mayHaveArrived;

/**
 * Relays each inbound message to where its workspace wants it: CHT's RapidPro webhook
 * (`{"id","from","content"}` with `Authorization: Token <key>`), CHT's gateway inbox (handed over on
 * the next poll), and the RapidPro External API channels mapped to its smsgate channel. Each target's
 * progress is recorded, so a retried event goes only where it has not arrived yet. Messages in a loop
 * with their sender are not relayed. All take text only: attachments go as their URLs (relayedContent).
 */
@Injectable()
export class ForwardInboundUseCase {
  constructor(
    private readonly forwards: ChtInboundForwardsRepository,
    private readonly gatewayInbox: ChtGatewayInboxRepository,
    private readonly http: RelayHttp,
    private readonly settings: RelaySettings,
    private readonly loops: LoopGuard,
    @Inject(CHT_RELAY_CONFIG) config: Pick<ChtRelayConfig, 'CHT_API_REPROBE_MS'>,
  ) {
    this.reprobeMs = config.CHT_API_REPROBE_MS;
  }

  private readonly logger = new Logger('cht');
  private readonly reprobeMs: number;

  async execute(events: ConsumedEvent<InboundReceivedV1>[]): Promise<Outcome[]> {
    // A few at a time: each may wait on CHT for up to HTTP_TIMEOUT_MS.
    const unavailable = new UnavailableTargets();
    return mapConcurrently(events, CONCURRENCY, (event) => this.forward(event.payload, unavailable));
  }

  private async forward(message: InboundReceivedV1, unavailable: UnavailableTargets): Promise<Outcome> {
    const target = await this.settings.target(message.workspace);
    const cht = target?.enabled ? target : undefined;
    const channels = (await this.settings.rapidProChannelsForInbound(message.channel)).filter(
      (channel) => channel.workspaceId === message.workspace,
    );
    if (!cht && channels.length === 0) return Outcomes.skipped('no CHT target or RapidPro channel for it');
    if (await this.inLoop(message)) return Outcomes.skipped(MESSAGE_LOOP_REASON);

    const outcomes: Outcome[] = [];
    if (cht?.mode === 'rapidpro') outcomes.push(await this.toCht(message, cht, unavailable));
    if (cht?.mode === 'gateway') outcomes.push(await this.toGatewayInbox(message));
    for (const channel of channels) outcomes.push(await this.toRapidPro(message, channel, unavailable));
    return combine(outcomes);
  }

  /** Counted once per message, however often the event is re-delivered. */
  private async inLoop(message: InboundReceivedV1): Promise<boolean> {
    if (await this.forwards.claimLoopCheck(message.id)) {
      const loop = await this.loops.isLoop({
        workspaceId: message.workspace,
        address: message.from,
        direction: 'in',
        text: relayedContent(message),
      });
      await this.forwards.settleLoopCheck(message.id, loop ? 'loop' : 'ok');
      return loop;
    }
    return (await this.forwards.findLoopCheckOutcome(message.id)) === 'loop';
  }

  /**
   * `refused` and `retry-refused` (retried after an answer CHT gives before saving: 403, 429) mean it
   * did not arrive; a missing outcome (the process stopped mid-request), `retry` (no answer, 5xx) may.
   */
  private settle(messageId: string, target: string, result: string, error?: string): Promise<void> {
    const done = result === 'ok' || result === 'duplicate';
    return this.forwards.settle(messageId, target, { result, error: error ?? null, done });
  }

  private async toCht(
    message: InboundReceivedV1,
    target: ChtTarget,
    unavailable: UnavailableTargets,
  ): Promise<Outcome> {
    const down = unavailable.reasonFor('cht');
    if (down) return Outcomes.retry(down);
    const claim = await this.forwards.claimAttempt(message.id, 'cht');
    if (!claim) return Outcomes.done();
    const apiKey = target.secrets.apiKey ?? '';
    const { exchange, paths } = await this.postToCht(message, target, apiKey);
    const verdict = chtVerdict(exchange, claim.maybeDelivered, [apiKey], paths);
    // No path answering is the target's problem, not this message's: the batch's others wait too.
    if (verdict.outcome.kind === 'retry' && (isUnavailable(exchange) || isPathNotFound(exchange)))
      unavailable.markDown('cht', verdict.outcome.reason);
    forwardResults.inc({ kind: 'cht-incoming', result: verdict.result });
    await this.settle(
      message.id,
      'cht',
      verdict.result === 'retry' && !mayHaveArrived(exchange) ? 'retry-refused' : verdict.result,
      'reason' in verdict.outcome ? verdict.outcome.reason : undefined,
    );
    return verdict.outcome;
  }

  /**
   * POSTs the message to CHT's webhook, on the next path when CHT answers 404 (one it does not serve),
   * and records what was found when it changed. A 404 is not the message's fault: CHT saved nothing.
   */
  private async postToCht(
    message: InboundReceivedV1,
    target: ChtTarget,
    apiKey: string,
  ): Promise<{ exchange: Exchange; paths: string }> {
    const versions = chtPathsToTry(target, Date.now(), this.reprobeMs);
    const tried: ChtApiVersion[] = [];
    let exchange: Exchange | undefined;
    for (const version of versions) {
      tried.push(version);
      exchange = await this.http.send({
        method: 'POST',
        url: joinUrl(target.url, CHT_INCOMING_PATHS[version]),
        headers: {
          authorization: `Token ${apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ id: message.id, from: message.from, content: relayedContent(message) }),
      });
      if (!isPathNotFound(exchange)) break;
      const last = tried.length === versions.length;
      chtPathNotFound.inc({ version, outcome: last ? 'retry' : 'fell-back' });
    }
    if (!exchange) throw new Error('no CHT API version to try');
    const paths = tried.map((version) => CHT_INCOMING_PATHS[version]).join(' or ');
    // No answer or a 5xx says nothing about the path.
    if (!exchange.ok || exchange.response.status >= 500) return { exchange, paths };
    const answered = isPathNotFound(exchange) ? undefined : tried[tried.length - 1];
    const change = apiStatusChange(target, tried, answered);
    if (change) {
      if (!answered && target.apiStatus !== 'path-not-found')
        this.logger.warn(
          `workspace ${target.workspaceId}: CHT answers 404 on ${paths}` +
            ' (no RapidPro webhook there): inbound messages are retried; check the CHT target url and apiVersion',
        );
      else if (answered && change.detected && change.detected !== target.detectedApiVersion)
        this.logger.warn(
          `workspace ${target.workspaceId}: CHT serves the ${answered} RapidPro webhook; using it`,
        );
      await this.settings.recordApiStatus(target.workspaceId, change.detected, change.status);
    }
    return { exchange, paths };
  }

  private async toGatewayInbox(message: InboundReceivedV1): Promise<Outcome> {
    await this.gatewayInbox.insert({
      messageId: message.id,
      workspaceId: message.workspace,
      from: message.from,
      content: relayedContent(message),
      receivedAt: message.sentAt ?? message.receivedAt,
    });
    return Outcomes.done();
  }

  private async toRapidPro(
    message: InboundReceivedV1,
    channel: RapidProChannel,
    unavailable: UnavailableTargets,
  ): Promise<Outcome> {
    const target = `rapidpro:${channel.uuid}`;
    const down = unavailable.reasonFor(target);
    if (down) return Outcomes.retry(down);
    if (!(await this.forwards.claimAttempt(message.id, target))) return Outcomes.done();
    const exchange = await this.http.send({
      method: 'POST',
      url: joinUrl(channel.rapidproUrl, `/c/ex/${channel.uuid}/receive`),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // Courier's External API receive reads no attachments: their URLs go in the text.
      body: formBody({
        from: message.from,
        text: relayedContent(message),
        date: message.sentAt ?? message.receivedAt,
      }),
    });
    const verdict = rapidProVerdict(exchange);
    if (verdict.outcome.kind === 'retry' && isUnavailable(exchange))
      unavailable.markDown(target, verdict.outcome.reason);
    forwardResults.inc({ kind: 'rapidpro-receive', result: verdict.result });
    await this.settle(
      message.id,
      target,
      verdict.result,
      'reason' in verdict.outcome ? verdict.outcome.reason : undefined,
    );
    return verdict.outcome;
  }
}
