import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SmppChannelStatesRepository } from '@smsgate/db';
import { BindInfo, BindPool, statusName } from '@smsgate/smpp';
import { SmppChannel, SmppChannels } from '../channels/smpp-channels';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';
import { InboundHandler } from '../inbound/inbound-handler';
import { bindsGauge, submitRateGauge, windowGauge } from '../metrics';
import { Ownership } from './ownership';

interface Held {
  channel: SmppChannel;
  pool: BindPool;
}

export interface ChannelBinds {
  channel: string;
  workspace: string;
  name: string;
  state: 'bound' | 'connecting' | 'bind_failed' | 'stopped';
  /** The SMSC's answer to a rejected bind. */
  status?: { code: number; name: string };
  binds: BindInfo[];
}

/**
 * The binds this replica holds, one BindPool per owned, enabled SMPP channel. Reconciled from the
 * channels table every RECONCILE_INTERVAL_MS and whenever partition ownership changes: binds open
 * when a channel is created or enabled, re-open when its config or password changes, and close when
 * it is disabled, deleted or handed to another replica — without a restart. A channel whose bind was
 * rejected stays `bind_failed` (recorded in smpp_channel_states) until its config or password changes.
 */
@Injectable()
export class BindRegistry
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(BindRegistry.name);
  private readonly held = new Map<string, Held>();
  private timer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;
  private again = false;
  private stopping = false;

  constructor(
    private readonly channels: SmppChannels,
    private readonly ownership: Ownership,
    private readonly inbound: InboundHandler,
    private readonly states: SmppChannelStatesRepository,
    @Inject(SMPP_BINDS_CONFIG) private readonly config: SmppBindsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.ownership.onChange(() => void this.reconcile());
    this.timer = setInterval(() => void this.reconcile(), this.config.RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Shutting down: channels still without a bind stop waiting, so held messages go to the retry topic. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await Promise.all(
      [...this.held.values()].filter(({ pool }) => pool.state !== 'bound').map(({ pool }) => pool.stop()),
    );
  }

  /** After the consumer stopped: unbind everything (inbound answers in progress are waited for). */
  async onApplicationShutdown(): Promise<void> {
    await this.reconciling;
    await Promise.all([...this.held.values()].map(({ pool }) => pool.stop()));
    this.held.clear();
  }

  /** The pool of a channel this replica consumes messages for, opened now if the last reconcile missed it. */
  poolFor(channel: SmppChannel): BindPool | undefined {
    const held = this.held.get(channel.id);
    if (held && held.channel.version === channel.version) return held.pool;
    if (this.stopping || !channel.settings) return undefined;
    if (held) void this.release(channel.id);
    return this.open(channel).pool;
  }

  /** Reads the channels table and opens, re-opens or closes binds; runs one at a time. */
  reconcile(): Promise<void> {
    if (this.reconciling) {
      this.again = true;
      return this.reconciling;
    }
    this.reconciling = this.reconcileOnce()
      .catch((error: unknown) =>
        this.logger.warn(`reconcile failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.reconciling = undefined;
        if (this.again && !this.stopping) {
          this.again = false;
          void this.reconcile();
        }
      });
    return this.reconciling;
  }

  snapshot(): ChannelBinds[] {
    return [...this.held.values()].map(({ channel, pool }) => {
      const failed = pool.failedStatus;
      return {
        channel: channel.id,
        workspace: channel.workspaceId,
        name: channel.name,
        state: pool.state,
        ...(failed !== undefined ? { status: { code: failed, name: statusName(failed) } } : {}),
        binds: pool.snapshot(),
      };
    });
  }

  /** Sets the bind gauges from the pools (called when /metrics is scraped). */
  updateGauges(): void {
    bindsGauge.reset();
    windowGauge.reset();
    submitRateGauge.reset();
    for (const { channel, pool } of this.held.values()) {
      for (const bind of pool.snapshot()) {
        bindsGauge.inc({ channel: channel.id, state: bind.state });
        windowGauge.set({ channel: channel.id, bind: bind.id }, bind.outstanding);
        submitRateGauge.set({ channel: channel.id, bind: bind.id }, bind.submitRate);
      }
    }
  }

  private async reconcileOnce(): Promise<void> {
    if (this.stopping) return;
    const wanted = new Map(
      (await this.channels.enabled())
        .filter((channel) => this.ownership.owns(channel.id))
        .map((channel) => [channel.id, channel]),
    );
    for (const id of [...this.held.keys()]) {
      const channel = wanted.get(id);
      if (!channel || channel.version !== this.held.get(id)?.channel.version) await this.release(id);
    }
    for (const channel of wanted.values()) {
      if (this.stopping) return;
      if (this.held.has(channel.id)) continue;
      if (!channel.settings) {
        this.logger.warn(
          `channel ${channel.id}: config does not parse (${(channel.problems ?? []).join('; ')}); not binding`,
        );
        continue;
      }
      const state = await this.states.find(channel.id);
      if (state?.state === 'bind_failed' && state.configVersion === channel.version) continue;
      this.open(channel);
    }
    await this.recordStates();
  }

  private open(channel: SmppChannel): Held {
    const settings = channel.settings!;
    const pool = new BindPool({
      session: {
        host: settings.host,
        port: settings.port,
        tls: settings.tls ? { rejectUnauthorized: settings.tls_verify } : false,
        systemId: settings.system_id,
        password: channel.password,
        systemType: settings.system_type ?? '',
        window: settings.window,
        responseTimeoutMs: settings.response_timeout_seconds * 1_000,
        enquireLinkMs: settings.enquire_link_seconds * 1_000,
      },
      mode: settings.bind,
      binds: settings.binds,
      tps: settings.tps,
      reconnectInitialMs: settings.reconnect_initial_seconds * 1_000,
      reconnectMaxMs: settings.reconnect_max_seconds * 1_000,
      onInbound: (pdu) => this.inbound.handle(channel, pdu),
      onBindFailed: (status) => {
        this.logger.error(
          `channel ${channel.id}: bind rejected by the SMSC with ${statusName(status)}; not retrying`,
        );
        void this.recordState(channel, 'bind_failed', status);
      },
      onEvent: (event, detail) => {
        if (
          event === 'bound' ||
          event === 'closed' ||
          event === 'response-timeout' ||
          event === 'throttled'
        ) {
          this.logger.log(`channel ${channel.id}: ${event} ${JSON.stringify(detail)}`);
        }
      },
    });
    const held = { channel, pool };
    this.held.set(channel.id, held);
    pool.start();
    this.logger.log(
      `channel ${channel.id}: opening ${settings.binds} ${settings.bind} bind(s) to ${settings.host}:${settings.port}`,
    );
    return held;
  }

  private async release(id: string): Promise<void> {
    const held = this.held.get(id);
    if (!held) return;
    this.held.delete(id);
    this.logger.log(`channel ${id}: closing its binds`);
    await held.pool.stop();
    await this.states.delete(id);
  }

  private async recordStates(): Promise<void> {
    for (const { channel, pool } of this.held.values()) {
      await this.recordState(channel, pool.state, pool.failedStatus);
    }
  }

  private async recordState(channel: SmppChannel, state: string, status?: number): Promise<void> {
    await this.states
      .upsert({
        channelId: channel.id,
        state,
        status: status === undefined ? undefined : { code: status, name: statusName(status) },
        configVersion: channel.version,
      })
      .catch((error: unknown) =>
        this.logger.warn(`recording the state of ${channel.id} failed: ${String(error)}`),
      );
  }
}
