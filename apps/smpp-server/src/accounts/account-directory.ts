import { Injectable, Logger } from '@nestjs/common';
import { verifySmppPassword } from '@smsgate/auth';
import { SmppAccountCredentials, SmppAccountsRepository } from '@smsgate/db';
import { BindMode, Status } from '@smsgate/smpp';
import { AccountDirectory, Authentication, SmppAccount } from '@smsgate/smpp-server';
import { Inject } from '@nestjs/common';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from '../config';
import { bindsRefused } from '../metrics';

/** The account as a session needs it. */
export const sessionAccount = (record: SmppAccountCredentials): SmppAccount => ({
  id: record.id,
  workspaceId: record.workspaceId,
  systemId: record.systemId,
  maxBinds: record.maxBinds,
  tps: record.tps,
  allowedSources: record.allowedSources,
  channelId: record.channelId,
});

/**
 * Failed binds per remote address over the last minute. Past the limit a bind is refused before its
 * password is checked: guessing gets slow, and a flood of wrong binds cannot keep a core busy with scrypt.
 */
export class FailedBinds {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  blocked(address: string): boolean {
    return this.recent(address).length >= this.perMinute;
  }

  record(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
    // Addresses seen once stay in the map for at most a minute's worth of calls.
    if (this.failures.size > 10_000)
      for (const key of this.failures.keys()) if (!this.recent(key).length) this.failures.delete(key);
  }

  private recent(address: string): number[] {
    const since = this.now() - 60_000;
    const recent = (this.failures.get(address) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(address);
    else this.failures.set(address, recent);
    return recent;
  }
}

/**
 * Checks binds against smpp_accounts: unknown system_id → ESME_RINVSYSID, wrong password →
 * ESME_RINVPASWD, disabled account or a mode it may not use → ESME_RBINDFAIL, too many failed binds
 * from the address → ESME_RBINDFAIL unchecked. Remembers the password hash each bind was checked
 * against, so the account check can unbind sessions whose password was replaced.
 */
@Injectable()
export class PgAccountDirectory implements AccountDirectory {
  private readonly logger = new Logger('SmppAccounts');
  private readonly failed: FailedBinds;
  /** The password hash of each account's latest successful bind (its session records it when bound). */
  readonly verifiedHash = new Map<string, string>();

  constructor(
    private readonly accounts: SmppAccountsRepository,
    @Inject(SMPP_SERVER_CONFIG) config: SmppServerConfig,
  ) {
    this.failed = new FailedBinds(config.SMPP_FAILED_BINDS_PER_MINUTE);
  }

  async authenticate(
    systemId: string,
    password: string,
    mode: BindMode,
    remoteAddress: string,
  ): Promise<Authentication> {
    if (this.failed.blocked(remoteAddress)) return this.refuse('too_many_failures', Status.ESME_RBINDFAIL);
    const record = await this.accounts.findBySystemId(systemId);
    if (!record) return this.fail(remoteAddress, 'unknown_system_id', Status.ESME_RINVSYSID);
    if (!(await verifySmppPassword(password, record.passwordHash)))
      return this.fail(remoteAddress, 'wrong_password', Status.ESME_RINVPASWD);
    if (!record.enabled) return this.refuse('disabled', Status.ESME_RBINDFAIL);
    if (!record.bindModes.includes(mode)) return this.refuse('mode_not_allowed', Status.ESME_RBINDFAIL);
    this.verifiedHash.set(record.id, record.passwordHash);
    return { ok: true, account: sessionAccount(record) };
  }

  private fail(remoteAddress: string, reason: string, status: number): Authentication {
    this.failed.record(remoteAddress);
    if (this.failed.blocked(remoteAddress))
      this.logger.warn(`binds from ${remoteAddress} refused unchecked for a minute: too many failed binds`);
    return this.refuse(reason, status);
  }

  private refuse(reason: string, status: number): Authentication {
    bindsRefused.inc({ reason });
    return { ok: false, status };
  }
}
