import type { MessageStatus, SmppSubmitRequestedV1 } from '@smsgate/contracts';
import { parseSmppConfig, SmppSettings } from '@smsgate/channel-config';
import {
  addressFor,
  BindPool,
  buildParts,
  canonicalSmppId,
  DataSmPdu,
  decodeText,
  EsmClass,
  InboundAnswer,
  parseUdh,
  readAddress,
  receiptDate,
  receiptOf,
  shortMessage,
  ShortMessagePdu,
  smppAbsoluteTime,
  Status,
  statusName,
  SubmitPart,
} from '@smsgate/smpp';
import { concatenationReference } from './concatenation-reference';
import type {
  InboundVerdict,
  PartRequest,
  PoolHooks,
  SmscChannel,
  SmscInbound,
  SmscProtocol,
} from './smsc-protocol';

/** SMSC receipt states (the text's `stat:` word) as smsgate statuses. */
const STATUS_OF_STAT: Record<string, MessageStatus> = {
  DELIVRD: 'delivered',
  UNDELIV: 'failed',
  DELETED: 'failed',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
  ACCEPTD: 'accepted',
  // Progress or no news: kept in the message's history without moving it forward.
  ENROUTE: 'sent',
  UNKNOWN: 'sent',
};

/** How smpp-binds' verdict on a deliver_sm / data_sm is answered. */
const STATUS_OF_VERDICT: Record<InboundVerdict, number> = {
  accepted: Status.ESME_ROK,
  retry: Status.ESME_RX_T_APPN,
  refused: Status.ESME_RX_P_APPN,
  bad_source: Status.ESME_RINVSRCADR,
};

const settingsOf = (channel: SmscChannel): SmppSettings => channel.settings as SmppSettings;

/** A deliver_sm or data_sm as smpp-binds takes it: a receipt, an MO (or a part of one), or unusable. */
export function smppInbound(channel: SmscChannel, pdu: ShortMessagePdu | DataSmPdu): SmscInbound {
  const settings = settingsOf(channel);
  const udhi = (pdu.esmClass & EsmClass.UDHI) !== 0;
  const raw =
    pdu.command === 'deliver_sm' && pdu.shortMessage.length > 0
      ? pdu.shortMessage
      : (pdu.optional.messagePayload ?? Buffer.alloc(0));
  const udh = udhi ? parseUdh(raw) : undefined;
  const text = decodeText(udh?.data ?? raw, pdu.dataCoding);

  const receipt = receiptOf(pdu, text);
  if (receipt) {
    const format = settings?.receipt_message_id_format ?? settings?.message_id_format ?? 'hex';
    const detail: Record<string, string | number> = { stat: receipt.stat, smscMessageId: receipt.messageId };
    if (receipt.err !== undefined) detail.err = receipt.err;
    if (receipt.networkErrorCode) {
      detail.networkErrorType = receipt.networkErrorCode.type;
      detail.networkErrorCode = receipt.networkErrorCode.code;
    }
    if (receipt.submitDate) detail.submitDate = receipt.submitDate;
    if (receipt.doneDate) detail.doneDate = receipt.doneDate;
    const doneAt = receiptDate(receipt.doneDate);
    return {
      kind: 'receipt',
      providerMessageId: canonicalSmppId(receipt.messageId, format).slice(0, 128),
      status: STATUS_OF_STAT[receipt.stat] ?? 'sent',
      detail,
      ...(doneAt ? { doneAt } : {}),
    };
  }
  if ((pdu.esmClass & EsmClass.TYPE_MASK) !== 0)
    // A receipt without an id cannot be matched to anything: say so, and do not have it resent.
    return {
      kind: 'unusable',
      reason: `receipt without a message id ignored: ${text.slice(0, 200)}`,
      verdict: 'accepted',
    };
  const from = readAddress(pdu.source);
  const to = readAddress(pdu.destination) || channel.address || '';
  const concatenation =
    udh?.header.concatenation ??
    (pdu.optional.sarMsgRefNum !== undefined && pdu.optional.sarTotalSegments && pdu.optional.sarSegmentSeqnum
      ? {
          reference: pdu.optional.sarMsgRefNum,
          total: pdu.optional.sarTotalSegments,
          sequence: pdu.optional.sarSegmentSeqnum,
        }
      : undefined);
  return { kind: 'mo', from, to, text, ...(concatenation ? { concatenation } : {}) };
}

/** Answers a deliver_sm / data_sm with what smpp-binds made of it. */
export async function answerSmpp(
  channel: SmscChannel,
  pdu: ShortMessagePdu | DataSmPdu,
  onInbound: PoolHooks['onInbound'],
): Promise<InboundAnswer> {
  return { status: STATUS_OF_VERDICT[await onInbound(smppInbound(channel, pdu))] };
}

function preferredEncoding(settings: SmppSettings): 'gsm7' | 'gsm7_packed' | 'ia5' | 'latin1' {
  switch (settings.data_coding) {
    case 0:
      return settings.gsm7_packed ? 'gsm7_packed' : 'gsm7';
    case 1:
      return 'ia5';
    case 3:
      return 'latin1';
  }
}

function pduOf(channel: SmscChannel, message: SmppSubmitRequestedV1, part: SubmitPart): ShortMessagePdu {
  const settings = settingsOf(channel);
  const from = message.from ?? channel.address ?? '';
  return shortMessage('submit_sm', {
    serviceType: '',
    source: from
      ? addressFor(from, { ton: settings.source_ton, npi: settings.source_npi })
      : { ton: 0, npi: 0, addr: '' },
    destination: addressFor(message.to, { ton: settings.dest_ton, npi: settings.dest_npi }),
    esmClass: part.esmClass,
    priorityFlag: message.priority === 'high' ? 1 : 0,
    validityPeriod: message.expiresAt ? smppAbsoluteTime(new Date(message.expiresAt)) : '',
    registeredDelivery: settings.registered_delivery ? 1 : 0,
    dataCoding: part.dataCoding,
    shortMessage: part.shortMessage,
    optional: part.optional,
  });
}

/** SMPP 3.4 (the `smpp` channel type): binds as transceivers or transmitter + receiver pairs. */
export const smppProtocol: SmscProtocol<ShortMessagePdu> = {
  type: 'smpp',

  settingsOf(config, password) {
    const parsed = parseSmppConfig(config);
    if (!parsed.ok) return parsed;
    // bind_* carries the password in a 9-octet C-Octet string.
    if (password.length > 8)
      return { ok: false, problems: ['secrets.password: must be at most 8 characters (SMPP 3.4)'] };
    return parsed;
  },

  openPool(channel, hooks) {
    const settings = settingsOf(channel);
    return new BindPool({
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
      onInbound: (pdu) => answerSmpp(channel, pdu, hooks.onInbound),
      onBindFailed: (status) => hooks.onBindFailed(status, statusName(status)),
      onEvent: hooks.onEvent,
    });
  },

  describe(channel) {
    const settings = settingsOf(channel);
    return `${settings.binds} ${settings.bind} bind(s) to ${settings.host}:${settings.port}`;
  },

  requests(channel, message): PartRequest<ShortMessagePdu>[] {
    const settings = settingsOf(channel);
    return buildParts(message.text, {
      preferred: preferredEncoding(settings),
      longMessage: settings.long_message,
      reference: concatenationReference(message.id),
    }).map((part) => ({ index: part.index, count: part.count, request: pduOf(channel, message, part) }));
  },

  refusal(code, name) {
    return { smppStatus: code, smppStatusName: name };
  },

  providerId(channel, smscMessageId) {
    return canonicalSmppId(smscMessageId, settingsOf(channel).message_id_format).slice(0, 128);
  },
};
