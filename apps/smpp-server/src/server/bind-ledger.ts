import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SmppServerBindsRepository } from '@smsgate/db';
import type { BindMode } from '@smsgate/smpp';
import type { AccountThrottle, BindLedger, SmppAccount } from '@smsgate/smpp-server';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from '../config';

/** Missed account checks after which a replica's binds stop counting (it died without releasing them). */
const MISSED_CHECKS = 3;
/** Never less than this: a replica busy for a few seconds must not lose its binds' places. */
const MIN_LIVE_SECONDS = 15;

/**
 * The binds of every smpp-server replica, in smpp_server_binds: an account's maxBinds is checked
 * against all of them (under a lock per account, so two replicas cannot both take the last place),
 * and each replica throttles an account to the part of its tps that matches the part of its binds it
 * holds. Each replica refreshes its rows at every account check; a replica killed without releasing
 * them stops counting after MISSED_CHECKS checks (at least MIN_LIVE_SECONDS).
 */
@Injectable()
export class PgBindLedger implements BindLedger {
  private readonly logger = new Logger('SmppBindLedger');
  /** This process, as its rows name it. */
  readonly replica = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly liveSeconds: number;

  constructor(
    private readonly binds: SmppServerBindsRepository,
    @Inject(SMPP_SERVER_CONFIG) config: SmppServerConfig,
  ) {
    this.liveSeconds = Math.max(
      MIN_LIVE_SECONDS,
      Math.ceil((config.SMPP_ACCOUNT_CHECK_INTERVAL_MS * MISSED_CHECKS) / 1_000),
    );
  }

  claim(
    account: SmppAccount,
    bind: { sessionId: string; mode: BindMode; remoteAddress: string },
  ): Promise<boolean> {
    return this.binds.claim(
      { ...bind, accountId: account.id, replica: this.replica },
      account.maxBinds,
      this.liveSeconds,
    );
  }

  release(_accountId: string, sessionId: string): void {
    this.binds
      .release(sessionId)
      .catch((error: unknown) =>
        this.logger.warn(
          `bind ${sessionId} not released (it stops counting in ${this.liveSeconds} s): ${
            error instanceof Error ? error.message : String(error)
          }`,
        ),
      );
  }

  /**
   * At each account check: this replica's sessions are marked alive, and each of their accounts with a
   * tps gets the share of it this replica's binds make of the account's live binds.
   */
  async refresh(
    sessions: { sessionId: string; accountId: string }[],
    tpsOf: (accountId: string) => number | null,
    throttle: AccountThrottle,
  ): Promise<void> {
    await this.binds.heartbeat(
      this.replica,
      sessions.map((session) => session.sessionId),
    );
    const limited = [...new Set(sessions.map((session) => session.accountId))].filter(
      (accountId) => tpsOf(accountId) !== null,
    );
    for (const share of await this.binds.shares(limited, this.replica, this.liveSeconds))
      throttle.share(share.accountId, share.total > 0 ? share.mine / share.total : 1);
  }

  /** Shutting down: every place this replica held is freed at once. */
  async releaseAll(): Promise<void> {
    await this.binds.releaseReplica(this.replica);
  }

  /** Rows of replicas gone without releasing them. */
  forgetStale(): Promise<number> {
    return this.binds.forgetStale(this.liveSeconds);
  }
}
