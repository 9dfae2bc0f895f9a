import { InboundReceivedV1 } from '@smsgate/contracts';
import type { InboundRouteQuery, NewSmppDelivery } from '@smsgate/db';
import { ConsumedEvent, Outcome, Outcomes } from '@smsgate/kafka';
import { moRows } from './delivery-rows';

export interface MoStore {
  /** Per message, the accounts it is routed to (SmppAccountsRepository.inboundRoutes: one query). */
  inboundRoutes(messages: InboundRouteQuery[]): Promise<string[][]>;
  insertMany(deliveries: NewSmppDelivery[], expiryHours: number): Promise<string[]>;
}

/**
 * Consumes sms.inbound.received.v1: each inbound message goes to the outbox of every account whose
 * inbound routing claims it. The routing is read once per batch rather than cached: one indexed query
 * per batch costs little, and an account's change applies to the very next message.
 */
export class MoUseCase {
  constructor(
    private readonly store: MoStore,
    private readonly expiryHours: number,
    private readonly inserted: (accountIds: string[]) => void,
  ) {}

  async execute(events: ConsumedEvent<InboundReceivedV1>[]): Promise<Outcome[]> {
    if (events.length === 0) return [];
    const messages = events.map((event) => event.payload);
    const routes = await this.store.inboundRoutes(
      messages.map((message) => ({
        workspaceId: message.workspace,
        channelId: message.channel,
        to: message.to,
      })),
    );
    const rows = messages.flatMap((message, n) => moRows(message, routes[n]));
    const accounts = await this.store.insertMany(rows, this.expiryHours);
    if (accounts.length > 0) this.inserted(accounts);
    return routes.map((accountIds) =>
      accountIds.length > 0 ? Outcomes.done() : Outcomes.skipped('no SMPP account receives it'),
    );
  }
}
