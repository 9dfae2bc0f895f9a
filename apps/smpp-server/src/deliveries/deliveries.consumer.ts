import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MessageStatus, Topics } from '@smsgate/contracts';
import { NewSmppDelivery, SmppDeliveriesRepository, SmppServerSubmitsRepository } from '@smsgate/db';
import { ConsumedBatch, Outcome, Outcomes } from '@smsgate/kafka';
import { TtlCache } from '@smsgate/runtime';
import { moPdus, receiptPdu } from '@smsgate/smpp-server';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from '../config';
import { DeliveryPump, storedPdu } from './delivery-pump';

/** The statuses a receipt reports: a message's final ones. */
const FINAL = new Set<MessageStatus>([
  'delivered',
  'failed',
  'expired',
  'rejected',
  'errored',
  'no_route',
  'unknown',
]);

/**
 * registered_delivery's bits 0–1 (SMPP 3.4 §5.2.17): 1 asks for a receipt on the final outcome, 2 on
 * failure only (anything but delivered); 0 and 3 ask for none.
 */
export function wantsReceipt(registeredDelivery: number, status: MessageStatus): boolean {
  const asked = registeredDelivery & 0x03;
  return asked === 1 || (asked === 2 && status !== 'delivered');
}

/** Digits of an address, so `+254…` and `254…` are the same number. */
const addressKey = (address: string): string => address.replace(/^\+/, '');

/**
 * Fills smpp_deliveries from Kafka: a receipt for each part of a message an ESME submitted asking for
 * one, when its final status is applied (sms.message.status-changed.v1); an MO for each account whose
 * inbound addresses include an inbound message's destination (sms.inbound.received.v1). One statement
 * per consumed batch each way; the rows are what the delivery pump sends.
 */
@Controller()
export class DeliveriesConsumer {
  /** Accounts by inbound address, read again every few seconds (a change applies within that). */
  private readonly inbound = new TtlCache<string, Map<string, string[]>>(5_000, 1);

  constructor(
    private readonly submits: SmppServerSubmitsRepository,
    private readonly deliveries: SmppDeliveriesRepository,
    private readonly pump: DeliveryPump,
    @Inject(SMPP_SERVER_CONFIG) private readonly config: SmppServerConfig,
  ) {}

  private expiresAt(): Date {
    return new Date(Date.now() + this.config.SMPP_DELIVERY_EXPIRY_HOURS * 3_600_000);
  }

  @EventPattern(Topics.messageStatusChanged)
  async onStatus(@Payload() batch: ConsumedBatch<typeof Topics.messageStatusChanged>): Promise<Outcome> {
    const finals = batch.events
      .map((event) => event.payload)
      .filter((change) => change.direction === 'out' && FINAL.has(change.status));
    if (finals.length === 0) return Outcomes.done();
    const subjects = await this.submits.receiptSubjects([...new Set(finals.map((change) => change.id))]);
    if (subjects.length === 0) return Outcomes.done();
    const byMessage = new Map<string, typeof subjects>();
    for (const subject of subjects)
      byMessage.set(subject.messageId, [...(byMessage.get(subject.messageId) ?? []), subject]);
    const rows: NewSmppDelivery[] = [];
    const expiresAt = this.expiresAt();
    for (const change of finals)
      for (const subject of byMessage.get(change.id) ?? []) {
        if (!wantsReceipt(subject.registeredDelivery, change.status)) continue;
        rows.push({
          accountId: subject.accountId,
          kind: 'receipt',
          // One receipt per submit: a second final status (a late receipt replacing `unknown`) adds none.
          dedupe: `receipt:${subject.id}`,
          pdu: storedPdu(
            receiptPdu({
              submitId: subject.id,
              status: change.status,
              submittedAt: new Date(subject.createdAt),
              doneAt: new Date(change.at),
              source: subject.source,
              destination: subject.destination,
              textHead: subject.textHead,
            }),
          ),
          expiresAt,
        });
      }
    await this.pump.store(rows);
    return Outcomes.done();
  }

  @EventPattern(Topics.inboundReceived)
  async onInbound(@Payload() batch: ConsumedBatch<typeof Topics.inboundReceived>): Promise<Outcome> {
    const withDestination = batch.events.map((event) => event.payload).filter((message) => message.to);
    if (withDestination.length === 0) return Outcomes.done();
    const routes = await this.inbound.get('all', () => this.readRoutes());
    const rows: NewSmppDelivery[] = [];
    const expiresAt = this.expiresAt();
    for (const message of withDestination) {
      const accounts = routes.get(`${message.workspace}/${addressKey(message.to!)}`) ?? [];
      for (const accountId of accounts) {
        const text = message.attachments?.length
          ? [message.text, ...message.attachments.map((file) => file.url)].filter(Boolean).join('\n')
          : message.text;
        // A reference of its own per message (the low bits of its id), for an MO in parts.
        const reference = parseInt(message.id.replace(/-/g, '').slice(-2), 16);
        moPdus({ from: message.from, to: message.to!, text, reference }).forEach((pdu, index) =>
          rows.push({
            accountId,
            kind: 'mo',
            dedupe: `mo:${message.id}:${index}`,
            pdu: storedPdu(pdu),
            expiresAt,
          }),
        );
      }
    }
    await this.pump.store(rows);
    return Outcomes.done();
  }

  /** workspace/address → the accounts that receive its MOs. */
  private async readRoutes(): Promise<Map<string, string[]>> {
    const routes = new Map<string, string[]>();
    for (const account of await this.deliveries.accountsForInbound())
      for (const address of account.inboundAddresses) {
        const key = `${account.workspaceId}/${addressKey(address)}`;
        routes.set(key, [...(routes.get(key) ?? []), account.id]);
      }
    return routes;
  }
}
