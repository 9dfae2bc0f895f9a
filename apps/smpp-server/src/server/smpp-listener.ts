import { readFileSync } from 'node:fs';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SmppAccountsRepository } from '@smsgate/db';
import { IntervalTask } from '@smsgate/runtime';
import { SmppServer } from '@smsgate/smpp-server';
import { PgAccountDirectory, sessionAccount } from '../accounts/account-directory';
import { PgBindLedger } from './bind-ledger';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from '../config';
import { bindsGauge, onBindsScrape } from '../metrics';
import { SmppSubmitSink } from '../submit/submit-sink';

/** Told when an account binds a receiver here or a session ends: the delivery pump listens. */
export type SessionListener = (event: 'bound' | 'closed', accountId: string) => void;

/**
 * The SMPP listeners (plain, and TLS when a certificate is configured) and their sessions. Every
 * SMPP_ACCOUNT_CHECK_INTERVAL_MS the accounts with binds open are read again: the sessions of an
 * account disabled, deleted or given a new password are unbound (they bind again, or not, with what
 * the account now allows), and those of an account whose limits changed pick them up at their next bind.
 * The same check keeps this replica's binds alive in the bind ledger (max_binds and tps hold across
 * replicas) and sets its share of each account's tps.
 * On shutdown, before Kafka and PostgreSQL close: no new binds or submits, the submits and deliveries
 * in flight finish, then every session is unbound.
 */
@Injectable()
export class SmppListener
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('SmppServer');
  readonly server: SmppServer;
  private readonly check: IntervalTask;
  private readonly listeners: SessionListener[] = [];
  ports: { plain?: number; tls?: number } = {};

  constructor(
    directory: PgAccountDirectory,
    sink: SmppSubmitSink,
    private readonly accounts: SmppAccountsRepository,
    private readonly ledger: PgBindLedger,
    @Inject(SMPP_SERVER_CONFIG) private readonly config: SmppServerConfig,
  ) {
    this.directory = directory;
    this.server = new SmppServer({
      systemId: config.SMPP_SYSTEM_ID,
      directory,
      sink,
      bindLedger: ledger,
      window: config.SMPP_WINDOW,
      deliverWindow: config.SMPP_DELIVER_WINDOW,
      idleTimeoutMs: config.SMPP_IDLE_TIMEOUT_MS,
      bindTimeoutMs: config.SMPP_BIND_TIMEOUT_MS,
      responseTimeoutMs: config.SMPP_RESPONSE_TIMEOUT_MS,
      enquireLinkIntervalMs: config.SMPP_ENQUIRE_LINK_INTERVAL_MS,
      drainTimeoutMs: config.SMPP_DRAIN_TIMEOUT_MS,
      onEvent: (event, detail) => this.onEvent(event, detail),
    });
    this.check = new IntervalTask(
      'account check',
      config.SMPP_ACCOUNT_CHECK_INTERVAL_MS,
      () => this.checkAccounts(),
      {
        logger: this.logger,
      },
    );
  }

  private readonly directory: PgAccountDirectory;
  /** The password hash each session bound with, by session id. */
  private readonly boundWith = new Map<string, string>();

  onSessions(listener: SessionListener): void {
    this.listeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    onBindsScrape(() => {
      bindsGauge.reset();
      for (const bind of this.server.registry.list())
        bindsGauge.inc({ account: bind.systemId, mode: bind.mode });
    });
    this.ports.plain = await this.server.listen(this.config.SMPP_PORT);
    this.logger.log(`SMPP listening on port ${this.ports.plain}`);
    if (this.config.SMPP_TLS_CERT_FILE && this.config.SMPP_TLS_KEY_FILE) {
      this.ports.tls = await this.server.listenTls(this.config.SMPP_TLS_PORT, {
        cert: readFileSync(this.config.SMPP_TLS_CERT_FILE),
        key: readFileSync(this.config.SMPP_TLS_KEY_FILE),
      });
      this.logger.log(`SMPP over TLS listening on port ${this.ports.tls}`);
    }
    this.check.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.check.stop();
    await this.server.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
    await this.ledger
      .releaseAll()
      .catch((error: unknown) =>
        this.logger.warn(
          `binds not released on shutdown (they stop counting in ${this.ledger.liveSeconds} s): ${
            error instanceof Error ? error.message : String(error)
          }`,
        ),
      );
  }

  /** The sessions' accounts as they are now; the sessions that may no longer stay bound are unbound. */
  async checkAccounts(): Promise<void> {
    const binds = this.server.registry.list();
    const bound = new Set(binds.map((bind) => bind.accountId));
    if (bound.size === 0) return;
    const current = new Map(
      (await this.accounts.findByIds([...bound])).map((account) => [account.id, account]),
    );
    // This replica's binds stay counted across replicas, and its share of each account's tps follows
    // how the account's binds are spread now.
    await this.ledger.refresh(binds, (id) => current.get(id)?.tps ?? null, this.server.throttle);
    const ending: Promise<void>[] = [];
    for (const session of this.server.sessions) {
      const accountId = session.account?.id;
      if (!accountId || !bound.has(accountId)) continue;
      const account = current.get(accountId);
      const reason = !account
        ? 'was deleted'
        : !account.enabled
          ? 'was disabled'
          : account.passwordHash !== this.boundWith.get(session.id)
            ? 'has a new password'
            : undefined;
      if (!reason) continue;
      this.logger.warn(
        `unbinding session ${session.id}: its account ${account?.systemId ?? accountId} ${reason}`,
      );
      this.boundWith.delete(session.id);
      ending.push(session.drain());
    }
    await Promise.all(ending);
  }

  /** The accounts (as sessions see them) of these ids, for work done outside a session. */
  async accountsById(ids: string[]) {
    const records = await this.accounts.findByIds(ids);
    return new Map(records.map((record) => [record.id, sessionAccount(record)]));
  }

  private onEvent(event: string, detail: Record<string, unknown>): void {
    const sessionId = detail.sessionId as string;
    // The password hash a session bound with: the directory's for its account, which the bind just set.
    if (event === 'bound')
      this.boundWith.set(sessionId, this.directory.verifiedHash.get(detail.accountId as string)!);
    if (event === 'closed') this.boundWith.delete(sessionId);
    if (event === 'bound' || event === 'closed') {
      const accountId = detail.accountId as string | undefined;
      if (accountId) for (const listener of this.listeners) listener(event, accountId);
    }
    if (event === 'bind-refused' || event === 'sink-failed' || event === 'framing-lost')
      this.logger.warn(`${event} ${JSON.stringify(detail)}`);
    else if (event === 'bound' || event === 'closed') this.logger.log(`${event} ${JSON.stringify(detail)}`);
  }
}
