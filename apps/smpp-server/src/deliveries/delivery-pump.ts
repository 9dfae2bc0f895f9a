import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DueSmppDelivery, NewSmppDelivery, SmppDeliveriesRepository } from '@smsgate/db';
import { IntervalTask, RoundResult } from '@smsgate/runtime';
import { DeliverSmFields, SmppServerSession } from '@smsgate/smpp-server';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from '../config';
import { deliveriesTotal } from '../metrics';
import { SmppListener } from '../server/smpp-listener';

/** A deliver_sm as smpp_deliveries stores it (JSON: its short_message in base64). */
export type StoredDeliverSm = Omit<DeliverSmFields, 'shortMessage'> & { shortMessage: string };

export const storedPdu = (fields: DeliverSmFields): StoredDeliverSm => ({
  ...fields,
  shortMessage: fields.shortMessage.toString('base64'),
});

export const pduOf = (stored: StoredDeliverSm): DeliverSmFields => ({
  ...stored,
  shortMessage: Buffer.from(stored.shortMessage, 'base64'),
});

/** ESME answers that mean the ESME will never take this deliver_sm (SMPP 3.4 §5.1.3): it is dropped. */
const PERMANENT = new Set([0x0a /* RINVSRCADR */, 0x0b /* RINVDSTADR */, 0x04 /* RINVBNDSTS */]);

/** How long a deliver_sm the ESME refused (or that failed on the wire) waits before its next attempt. */
export const retryDelayMs = (attempts: number): number =>
  Math.min(60_000, 1_000 * 2 ** Math.min(attempts - 1, 6));

/**
 * Sends the deliver_sm owed to ESMEs (smpp_deliveries) through this replica's receiver binds of their
 * accounts. Rows are claimed with a lease, so any replica with a receiver of the account may send them
 * and a crash makes them due again. A row is marked delivered once the ESME answered ESME_ROK: a crash
 * between that answer and the mark sends it once more (the at-least-once window, a few milliseconds);
 * nothing answered is ever sent again otherwise. Rounds run when rows are stored for an account bound
 * here, when an account binds a receiver, and every SMPP_DELIVERY_POLL_INTERVAL_MS while receivers are
 * bound (rows other replicas stored, retries coming due).
 */
@Injectable()
export class DeliveryPump implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SmppDeliveries');
  private readonly task: IntervalTask;
  private stopped = false;

  constructor(
    private readonly deliveries: SmppDeliveriesRepository,
    private readonly listener: SmppListener,
    @Inject(SMPP_SERVER_CONFIG) private readonly config: SmppServerConfig,
  ) {
    this.task = new IntervalTask(
      'delivery round',
      config.SMPP_DELIVERY_POLL_INTERVAL_MS,
      () => this.round(),
      {
        logger: this.logger,
      },
    );
  }

  onApplicationBootstrap(): void {
    this.listener.onSessions((event) => {
      if (event === 'bound') this.task.wake();
    });
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.task.stop();
  }

  /** Stores deliveries (a replayed event adds nothing) and sends at once those of accounts bound here. */
  async store(rows: NewSmppDelivery[]): Promise<void> {
    const accounts = await this.deliveries.insertMany(rows);
    if (accounts.some((accountId) => this.listener.server.registry.receivers(accountId).length > 0))
      this.task.wake();
  }

  async round(): Promise<RoundResult> {
    const registry = this.listener.server.registry;
    const receivers = new Map<string, SmppServerSession[]>();
    for (const bind of registry.list()) {
      if (receivers.has(bind.accountId)) continue;
      const sessions = registry.receivers(bind.accountId);
      if (sessions.length > 0) receivers.set(bind.accountId, sessions);
    }
    if (receivers.size === 0 || this.stopped) return 'idle';
    const capacity = [...receivers.values()]
      .flat()
      .reduce((sum, session) => sum + session.deliverCapacity, 0);
    if (capacity === 0) return false;
    const limit = Math.min(capacity, 500);
    const leaseMs = this.config.SMPP_RESPONSE_TIMEOUT_MS * 2 + 5_000;
    const due = await this.deliveries.claimDue([...receivers.keys()], limit, leaseMs);
    if (due.length === 0) return 'idle';
    const delivered: string[] = [];
    const retries: { id: string; delayMs: number; error: string }[] = [];
    const next = new Map<string, number>();
    await Promise.all(
      due.map(async (row) => {
        const sessions = receivers.get(row.accountId)!;
        // Round robin over the account's receivers; a session that cannot take it waits in its window.
        const turn = next.get(row.accountId) ?? 0;
        next.set(row.accountId, turn + 1);
        const session = sessions[turn % sessions.length];
        const outcome = await this.send(session, row);
        if (outcome === 'delivered' || outcome === 'dropped') delivered.push(row.id);
        else retries.push({ id: row.id, delayMs: retryDelayMs(row.attempts), error: outcome.error });
      }),
    );
    await this.deliveries.markDelivered(delivered);
    await this.deliveries.reschedule(retries);
    return due.length === limit;
  }

  private async send(
    session: SmppServerSession,
    row: DueSmppDelivery,
  ): Promise<'delivered' | 'dropped' | { error: string }> {
    const account = session.account?.systemId ?? row.accountId;
    try {
      const status = await session.deliver(pduOf(row.pdu as StoredDeliverSm));
      if (status === 0) {
        deliveriesTotal.inc({ account, kind: row.kind, result: 'delivered' });
        return 'delivered';
      }
      deliveriesTotal.inc({ account, kind: row.kind, result: 'refused' });
      if (PERMANENT.has(status)) {
        this.logger.warn(
          `${row.kind} ${row.id} for ${account} dropped: the ESME answered 0x${status.toString(16)}`,
        );
        return 'dropped';
      }
      return { error: `the ESME answered 0x${status.toString(16)}` };
    } catch (error) {
      deliveriesTotal.inc({ account, kind: row.kind, result: 'failed' });
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }
}
