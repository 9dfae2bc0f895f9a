import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SmppChannelStatesRepository } from '@smsgate/db';
import type { BindInfo, LinkPool } from '@smsgate/smsc';
import { SmscChannel, SmscChannels } from '../channels/smsc-channels';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';
import { InboundHandler } from '../inbound/inbound-handler';
import { bindsGauge, submitRateGauge, windowGauge } from '../metrics';
import { protocolOf } from '../protocols';
import { Ownership } from './ownership';

interface Held {
  channel: SmscChannel;
  pool: LinkPool<unknown>;
}

export interface ChannelBinds {
  channel: string;
  workspace: string;
  name: string;
  type: SmscChannel['type'];
  state: 'bound' | 'connecting' | 'bind_failed' | 'stopped';
  /** The SMSC's answer to a rejected bind (or login). */
  status?: { code: number; name: string };
  binds: BindInfo[];
}

/**
 * The binds this replica holds, one LinkPool per owned, enabled SMSC channel (SMPP binds, UCP or CIMD2
 * connections: the channel's protocol opens them). Reconciled from the
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
    private readonly channels: SmscChannels,
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
  poolFor(channel: SmscChannel): LinkPool<unknown> | undefined {
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
        type: channel.type,
        state: pool.state,
        ...(failed !== undefined
          ? { status: { code: failed, name: pool.failedStatusName ?? String(failed) } }
          : {}),
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

  private open(channel: SmscChannel): Held {
    const protocol = protocolOf(channel.type);
    const pool = protocol.openPool(channel, {
      onInbound: (inbound) => this.inbound.handle(channel, inbound),
      onBindFailed: (code, name) => {
        this.logger.error(`channel ${channel.id}: login rejected by the SMSC with ${name}; not retrying`);
        void this.recordState(channel, 'bind_failed', { code, name });
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
    this.logger.log(`channel ${channel.id}: opening ${protocol.describe(channel)}`);
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
      const code = pool.failedStatus;
      await this.recordState(
        channel,
        pool.state,
        code === undefined ? undefined : { code, name: pool.failedStatusName ?? String(code) },
      );
    }
  }

  private async recordState(
    channel: SmscChannel,
    state: string,
    status?: { code: number; name: string },
  ): Promise<void> {
    await this.states
      .upsert({
        channelId: channel.id,
        state,
        status,
        configVersion: channel.version,
      })
      .catch((error: unknown) =>
        this.logger.warn(`recording the state of ${channel.id} failed: ${String(error)}`),
      );
  }
}
