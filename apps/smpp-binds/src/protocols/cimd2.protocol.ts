import type { MessageStatus, SmppSubmitRequestedV1 } from '@smsgate/contracts';
import { Cimd2Settings, parseCimd2Config } from '@smsgate/channel-config';
import {
  CimdError,
  cimdErrorName,
  CimdInboundAnswer,
  CimdPacket,
  CimdSession,
  CimdSubmit,
  FINAL_REPORTS,
  Op,
  readMessage,
  readStatusReport,
  submitParams,
  timestampOf,
} from '@smsgate/cimd2';
import { parseUdh, receiptDate } from '@smsgate/smpp';
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

/**
 * Status report codes (061) as smsgate statuses: 4 delivered; 2 validity expired; 3, 6, 7, 8, 9
 * failed (delivery failed, last no response, cancelled, deleted); 1 and 5 are progress.
 */
const STATUS_OF_CODE: Record<number, MessageStatus> = {
  1: 'sent',
  2: 'expired',
  3: 'failed',
  4: 'delivered',
  5: 'sent',
  6: 'failed',
  7: 'failed',
  8: 'failed',
  9: 'failed',
};

/** How a verdict is answered: the response, or the response with an error code (900). */
const ANSWER_OF_VERDICT: Record<InboundVerdict, CimdInboundAnswer> = {
  accepted: { ok: true },
  retry: { ok: false, code: CimdError.GENERAL_SYSTEM_ERROR },
  refused: { ok: false, code: CimdError.SYNTAX },
  bad_source: { ok: false, code: CimdError.SYNTAX },
};

const settingsOf = (channel: SmscChannel): Cimd2Settings => channel.settings as Cimd2Settings;

/** Operation 20 or 23 as smpp-binds takes it. */
export function cimdInbound(channel: SmscChannel, packet: CimdPacket): SmscInbound {
  try {
    if (packet.op === Op.DELIVER_STATUS_REPORT) {
      const report = readStatusReport(packet);
      const doneAt = receiptDate(report.dischargeTime);
      return {
        kind: 'receipt',
        providerMessageId: recipientStampId(report.destination, report.timestamp),
        status: STATUS_OF_CODE[report.status] ?? 'sent',
        detail: {
          statusCode: report.status,
          ...(report.errorCode ? { statusErrorCode: report.errorCode } : {}),
          smscMessageId: `${report.destination}:${report.timestamp}`,
          ...(report.dischargeTime ? { doneDate: report.dischargeTime } : {}),
        },
        ...(doneAt ? { doneAt } : {}),
      };
    }
    const message = readMessage(packet);
    const text = message.text ?? textOfData(message.data!, message.dcs);
    const concatenation = message.udh ? parseUdh(message.udh)?.header.concatenation : undefined;
    return {
      kind: 'mo',
      from: e164OfPrefixed(message.originator),
      to: e164OfPrefixed(message.destination) || channel.address || '',
      text,
      ...(concatenation ? { concatenation } : {}),
    };
  } catch (error) {
    return {
      kind: 'unusable',
      reason: `operation ${packet.op} unreadable: ${(error as Error).message}`,
      verdict: 'refused',
    };
  }
}

function paramsOf(channel: SmscChannel, message: SmppSubmitRequestedV1, part: PartContent): CimdSubmit {
  const settings = settingsOf(channel);
  return submitParams({
    destination: message.to,
    originator: message.from ?? channel.address ?? '',
    ...part.content,
    ...(part.udh ? { udh: part.udh } : {}),
    ...(settings.registered_delivery ? { statusReportRequest: FINAL_REPORTS } : {}),
    ...(message.expiresAt ? { validity: timestampOf(new Date(message.expiresAt)) } : {}),
  });
}

/** Nokia CIMD2 (the `cimd2` channel type): connections that log in with operation 01. */
export const cimd2Protocol: SmscProtocol<CimdSubmit> = {
  type: 'cimd2',

  settingsOf: (config) => parseCimd2Config(config),

  openPool(channel, hooks: PoolHooks) {
    const settings = settingsOf(channel);
    return connectionPool('cimd2', settings, hooks, (onEvent) =>
      CimdSession.open({
        ...linkAddress(settings, channel.password),
        userId: settings.username,
        aliveMs: settings.alive_seconds * 1_000,
        onInbound: async (packet) => ANSWER_OF_VERDICT[await hooks.onInbound(cimdInbound(channel, packet))],
        onEvent,
      }),
    );
  },

  describe(channel) {
    const settings = settingsOf(channel);
    return `${settings.connections} CIMD2 connection(s) to ${settings.host}:${settings.port}`;
  },

  requests(channel, message): PartRequest<CimdSubmit>[] {
    return headerParts(message, (part) => paramsOf(channel, message, part));
  },

  refusal: (code) => ({ cimd2Error: code, cimd2ErrorName: cimdErrorName(code) }),

  providerId: (_channel, smscMessageId) => recipientStampIdOf(smscMessageId).slice(0, 128),
};
