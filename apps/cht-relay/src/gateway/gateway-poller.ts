import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MessageStatus } from '@smsgate/contracts';
import { ChtGatewayInboxRepository, ChtMessagesRepository, ChtTargetsRepository } from '@smsgate/db';
import { IntervalTask } from '@smsgate/runtime';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { excerpt, isSuccess } from '../http/http-client';
import { gatewayOutbound } from './gateway-message';
import { joinUrl, RelayHttp } from '../http/relay-http';
import { OutboundMessages, refusedBeforeSending } from '../outbound/outbound-messages';
import { toGatewayStatus } from '../outbound/statuses';
import { ChtTarget, RelaySettings } from '../settings/relay-settings';

const polls = new Counter({
  name: 'smsgate_cht_gateway_polls_total',
  help: 'Polls of CHT targets in gateway mode (POST /api/sms), by result',
  labelNames: ['result'],
});

const GatewayResponse = z.object({
  messages: z
    .array(z.object({ id: z.string().min(1).max(128), to: z.string().max(64), content: z.string() }).loose())
    .default([]),
});

/** toGatewayStatus for the query of the updates, built from it so the two cannot disagree. */
const GATEWAY_STATUS_OF = Object.fromEntries(
  MessageStatus.options.map((status) => [status, toGatewayStatus(status)]),
);

/**
 * cht-relay as a medic-gateway for CHT sites without RapidPro: each target in gateway mode is polled
 * with POST /api/sms carrying the inbound messages waiting for it and the progress of the messages CHT
 * gave us; the messages CHT answers with are sent through smsgate, once per CHT id (CHT serves them
 * again until it hears of them). A target is claimed by moving its last_poll_at, so several replicas
 * don't poll the same CHT at once.
 */
@Injectable()
export class GatewayPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('gateway');
  private readonly task: IntervalTask;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly targets: ChtTargetsRepository,
    private readonly messages: ChtMessagesRepository,
    private readonly gatewayInbox: ChtGatewayInboxRepository,
    private readonly http: RelayHttp,
    private readonly settings: RelaySettings,
    private readonly outbound: OutboundMessages,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
  ) {
    this.task = new IntervalTask(
      'gateway poll',
      config.GATEWAY_POLL_INTERVAL_MS,
      async () => {
        await this.tick();
        return false;
      },
      { logger: this.logger },
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.task.stop();
  }

  async tick(): Promise<void> {
    for (const target of await this.settings.gatewayTargets()) {
      if (this.stopped) return;
      if (await this.claim(target.workspaceId)) await this.poll(target);
    }
  }

  /** A target whose last poll failed waits ten intervals (at most a minute) before the next. */
  private async claim(workspaceId: string): Promise<boolean> {
    const interval = this.config.GATEWAY_POLL_INTERVAL_MS / 1_000;
    return this.targets.claimPoll(
      workspaceId,
      interval * 0.8,
      Math.max(interval * 0.8, Math.min(interval * 10, 60)),
    );
  }

  async poll(target: ChtTarget): Promise<void> {
    await this.republish(target);
    const inbox = await this.gatewayInbox.findPending(target.workspaceId);
    const updates = await this.messages.findGatewayUpdates(target.workspaceId, GATEWAY_STATUS_OF);
    const password = target.secrets.password ?? '';
    const exchange = await this.http.send({
      method: 'POST',
      url: joinUrl(target.url, '/api/sms'),
      headers: {
        authorization: `Basic ${Buffer.from(`${target.username ?? ''}:${password}`).toString('base64')}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        messages: inbox.map((message) => ({
          id: message.message_id,
          from: message.from_addr,
          content: message.content,
          sms_sent: new Date(message.received_at).getTime(),
          sms_received: new Date(message.received_at).getTime(),
        })),
        updates: updates.map((update) => ({
          id: update.external_ref,
          status: update.gateway_status,
          ...(update.gateway_status === 'FAILED' ? { reason: update.status_reason ?? update.status } : {}),
        })),
      }),
    });
    if (!exchange.ok || !isSuccess(exchange.response.status)) {
      const reason = exchange.ok
        ? `CHT answered ${exchange.response.status} ${excerpt(exchange.response.body, [password])}`
        : exchange.error.message;
      polls.inc({ result: 'failed' });
      this.logger.warn(`gateway poll of workspace ${target.workspaceId} failed: ${reason}`);
      await this.settings.recordPoll(target.workspaceId, reason);
      return;
    }
    // CHT saved what we sent: the inbox and the updates are delivered, even if its answer is unusable.
    if (inbox.length > 0) await this.gatewayInbox.markDelivered(inbox.map((message) => message.message_id));
    for (const update of updates)
      await this.messages.setReportedStatus(update.message_id, update.gateway_status);
    let parsed: z.infer<typeof GatewayResponse>;
    try {
      parsed = GatewayResponse.parse(JSON.parse(exchange.response.body));
    } catch {
      polls.inc({ result: 'invalid' });
      await this.settings.recordPoll(target.workspaceId, 'CHT answered without a valid {"messages":[…]}');
      return;
    }
    await this.accept(target, parsed.messages);
    polls.inc({ result: 'ok' });
    await this.settings.recordPoll(target.workspaceId, null);
  }

  /** Sends CHT's messages, each CHT id once. */
  private async accept(
    target: ChtTarget,
    messages: { id: string; to: string; content: string }[],
  ): Promise<void> {
    if (messages.length === 0) return;
    const country = await this.settings.channelCountry(target.defaultChannel);
    const rows = await this.db.transaction(async (manager) => {
      await this.messages.lock(manager, `gateway/${target.workspaceId}`);
      const known = await this.messages.findKnownGatewayRefs(
        manager,
        target.workspaceId,
        messages.map((message) => message.id),
      );
      const seen = new Set(known);
      const fresh = messages.filter((message) => {
        if (seen.has(message.id)) return false;
        seen.add(message.id);
        return true;
      });
      return this.outbound.insert(
        manager,
        fresh.map((message) => gatewayOutbound(target.workspaceId, message, country)),
      );
    });
    await this.outbound.publish(rows, target.defaultChannel);
  }

  /** Messages stored by an earlier poll whose publish did not complete. */
  private async republish(target: ChtTarget): Promise<void> {
    const rows = await this.messages.findUnpublishedGateway(target.workspaceId);
    await this.outbound.publish(
      rows.filter((row) => !refusedBeforeSending(row)),
      target.defaultChannel,
    );
  }
}
