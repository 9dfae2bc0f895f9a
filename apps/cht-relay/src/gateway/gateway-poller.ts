import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MessageStatus } from '@smsgate/contracts';
import { IntervalTask } from '@smsgate/runtime';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { excerpt, isSuccess } from '../http/http-client';
import { gatewayOutbound } from './gateway-message';
import { joinUrl, RelayHttp } from '../http/relay-http';
import { OutboundMessages, OutboundRow, refusedBeforeSending } from '../outbound/outbound-messages';
import { GatewayStatus, toGatewayStatus } from '../outbound/statuses';
import { ChtTarget, RelaySettings } from '../settings/relay-settings';

const polls = new Counter({
  name: 'smsgate_cht_gateway_polls_total',
  help: 'Polls of CHT targets in gateway mode (POST /api/sms), by result',
  labelNames: ['result'],
});

const INBOX_BATCH = 100;
const UPDATES_BATCH = 500;

const GatewayResponse = z.object({
  messages: z
    .array(z.object({ id: z.string().min(1).max(128), to: z.string().max(64), content: z.string() }).loose())
    .default([]),
});

/** toGatewayStatus in SQL, built from it so the two cannot disagree. */
const GATEWAY_STATUS_SQL = `CASE ${MessageStatus.options
  .map((status) => `WHEN status = '${status}' THEN '${toGatewayStatus(status)}'`)
  .join(' ')} ELSE 'PENDING' END`;

interface UpdateRow {
  message_id: string;
  external_ref: string;
  gateway_status: GatewayStatus;
  status_reason: string | null;
  status: string;
}

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
    const [rows] = await this.db.query<[unknown[], number]>(
      `UPDATE cht_targets SET last_poll_at = now() WHERE workspace_id = $1
         AND (last_poll_at IS NULL OR last_poll_at < now() - make_interval(secs =>
           CASE WHEN last_poll_error IS NULL THEN $2::float8 ELSE $3::float8 END))
       RETURNING workspace_id`,
      [workspaceId, interval * 0.8, Math.max(interval * 0.8, Math.min(interval * 10, 60))],
    );
    return rows.length > 0;
  }

  async poll(target: ChtTarget): Promise<void> {
    await this.republish(target);
    const inbox = await this.db.query<
      { message_id: string; from_addr: string; content: string; received_at: Date }[]
    >(
      `SELECT message_id, from_addr, content, received_at FROM cht_gateway_inbox
        WHERE workspace_id = $1 AND delivered_at IS NULL ORDER BY received_at LIMIT ${INBOX_BATCH}`,
      [target.workspaceId],
    );
    const updates = await this.db.query<UpdateRow[]>(
      `SELECT message_id, external_ref, status, status_reason, ${GATEWAY_STATUS_SQL} AS gateway_status
         FROM cht_messages
        WHERE workspace_id = $1 AND source = 'gateway' AND (published OR status = 'failed')
          AND reported_status IS DISTINCT FROM ${GATEWAY_STATUS_SQL}
        ORDER BY seq LIMIT ${UPDATES_BATCH}`,
      [target.workspaceId],
    );
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
    if (inbox.length > 0)
      await this.db.query(
        `UPDATE cht_gateway_inbox SET delivered_at = now() WHERE message_id = ANY($1::uuid[])`,
        [inbox.map((message) => message.message_id)],
      );
    for (const update of updates)
      await this.db.query(`UPDATE cht_messages SET reported_status = $2 WHERE message_id = $1`, [
        update.message_id,
        update.gateway_status,
      ]);
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
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `gateway/${target.workspaceId}`,
      ]);
      const known = await manager.query<{ external_ref: string }[]>(
        `SELECT external_ref FROM cht_messages WHERE workspace_id = $1 AND source = 'gateway'
           AND external_ref = ANY($2::text[])`,
        [target.workspaceId, messages.map((message) => message.id)],
      );
      const seen = new Set(known.map((row) => row.external_ref));
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
    const rows = await this.db.query<OutboundRow[]>(
      `SELECT * FROM cht_messages WHERE workspace_id = $1 AND source = 'gateway' AND NOT published
         AND status <> 'failed' ORDER BY seq LIMIT ${UPDATES_BATCH}`,
      [target.workspaceId],
    );
    await this.outbound.publish(
      rows.filter((row) => !refusedBeforeSending(row)),
      target.defaultChannel,
    );
  }
}
