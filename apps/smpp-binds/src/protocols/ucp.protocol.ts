import type { MessageStatus, SmppSubmitRequestedV1 } from '@smsgate/contracts';
import { parseUcpConfig, UcpSettings } from '@smsgate/channel-config';
import { parseUdh } from '@smsgate/smpp';
import {
  dateOfScts,
  Fields5x,
  readNotification,
  readShortMessage,
  submitFields,
  UcpError,
  ucpErrorName,
  UcpInboundAnswer,
  UcpSession,
  validityOf,
} from '@smsgate/ucp';
import { connectionPool, headerParts, linkAddress, PartContent } from './connection-pool';
import { e164OfPrefixed, recipientStampId, recipientStampIdOf, textOfData } from './recipient-stamp';
import type {
  InboundVerdict,
  PartRequest,
  PoolHooks,
  SmscChannel,
  SmscInbound,
  SmscProtocol,
} from './smsc-protocol';

/** Notification Dst as smsgate statuses: 0 delivered, 1 buffered (still on its way), 2 not delivered. */
const STATUS_OF_DST: Record<number, MessageStatus> = { 0: 'delivered', 1: 'sent', 2: 'failed' };

/**
 * How a verdict is answered. EMI has no temporary/permanent distinction: any NACK makes the SMSC try
 * again later, so `retry` is 04 (operation not allowed, now) and what cannot ever be taken is 02.
 */
const ANSWER_OF_VERDICT: Record<InboundVerdict, UcpInboundAnswer> = {
  accepted: { ok: true },
  retry: { ok: false, code: UcpError.OPERATION_NOT_ALLOWED },
  refused: { ok: false, code: UcpError.SYNTAX },
  bad_source: { ok: false, code: UcpError.SYNTAX },
};

const settingsOf = (channel: SmscChannel): UcpSettings => channel.settings as UcpSettings;

/** A number as EMI fields take it: `+` becomes the international prefix 00 (EMI has no TON for AdC). */
const emiNumber = (number: string): string => (number.startsWith('+') ? `00${number.slice(1)}` : number);

/** Operation 52 or 53 as smpp-binds takes it. */
export function ucpInbound(channel: SmscChannel, ot: 52 | 53, fields: Fields5x): SmscInbound {
  try {
    if (ot === 53) {
      const notification = readNotification(fields);
      const doneAt = dateOfScts(notification.dscts)?.toISOString();
      return {
        kind: 'receipt',
        providerMessageId: recipientStampId(notification.recipient, notification.scts),
        status: STATUS_OF_DST[notification.dst],
        detail: {
          dst: notification.dst,
          ...(notification.rsn ? { rsn: notification.rsn } : {}),
          scts: notification.scts,
          smscMessageId: `${notification.recipient}:${notification.scts}`,
          ...(notification.dscts ? { doneDate: notification.dscts } : {}),
        },
        ...(doneAt ? { doneAt } : {}),
      };
    }
    const message = readShortMessage(fields);
    const text = message.text ?? textOfData(message.data!, message.dcs);
    const concatenation = message.udh ? parseUdh(message.udh)?.header.concatenation : undefined;
    return {
      kind: 'mo',
      from: e164OfPrefixed(message.oadc),
      to: e164OfPrefixed(message.adc) || channel.address || '',
      text,
      ...(concatenation ? { concatenation } : {}),
    };
  } catch (error) {
    return {
      kind: 'unusable',
      reason: `operation ${ot} unreadable: ${(error as Error).message}`,
      verdict: 'refused',
    };
  }
}

/** The fields of operation 51 for one part of a message. */
function fieldsOf(channel: SmscChannel, message: SmppSubmitRequestedV1, part: PartContent): Fields5x {
  const settings = settingsOf(channel);
  const from = message.from ?? channel.address ?? '';
  return submitFields({
    adc: emiNumber(message.to),
    oadc: from.startsWith('+') ? from.slice(1) : from,
    international: /^\+\d+$/.test(from),
    ...part.content,
    ...(part.udh ? { udh: part.udh } : {}),
    ...(settings.registered_delivery ? { nrq: true, nt: settings.notification_types } : {}),
    ...(message.expiresAt ? { vp: validityOf(new Date(message.expiresAt)) } : {}),
  });
}

/** UCP/EMI 4.x (the `ucp` channel type): connections that log in with operation 60. */
export const ucpProtocol: SmscProtocol<Fields5x> = {
  type: 'ucp',

  settingsOf: (config) => parseUcpConfig(config),

  openPool(channel, hooks: PoolHooks) {
    const settings = settingsOf(channel);
    return connectionPool('ucp', settings, hooks, (onEvent) =>
      UcpSession.open({
        ...linkAddress(settings, channel.password),
        address: settings.username,
        keepAliveMs: settings.keepalive_seconds * 1_000,
        onInbound: async (ot, fields) =>
          ANSWER_OF_VERDICT[await hooks.onInbound(ucpInbound(channel, ot, fields))],
        onEvent,
      }),
    );
  },

  describe(channel) {
    const settings = settingsOf(channel);
    return `${settings.connections} UCP connection(s) to ${settings.host}:${settings.port}`;
  },

  requests(channel, message): PartRequest<Fields5x>[] {
    return headerParts(message, (part) => fieldsOf(channel, message, part));
  },

  refusal: (code) => ({ ucpError: code, ucpErrorName: ucpErrorName(code) }),

  providerId: (_channel, smscMessageId) => recipientStampIdOf(smscMessageId).slice(0, 128),
};
