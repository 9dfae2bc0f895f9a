import { isStorable, MAX_OUTBOUND_TEXT } from '@smsgate/contracts';
import { normalizePhone } from '@smsgate/sms';
import {
  DataCoding,
  DataSmPdu,
  decodeText,
  EsmClass,
  parseSmppTime,
  parseUdh,
  readAddress,
  ShortMessagePdu,
  Status,
} from '@smsgate/smpp';
import type { Concatenation, SmppAccount, SubmitRequest } from './ports';

/** data_coding values accepted: GSM 03.38 (unpacked, one septet per octet), IA5, Latin-1, UCS-2. */
export const SUPPORTED_DATA_CODINGS: ReadonlySet<number> = new Set([
  DataCoding.SMSC_DEFAULT,
  DataCoding.IA5,
  DataCoding.LATIN1,
  DataCoding.UCS2,
]);

/** SMPP 3.4 §5.2.21: short_message holds at most 254 octets. */
const MAX_SHORT_MESSAGE = 254;

export type SubmitPdu = (ShortMessagePdu & { command: 'submit_sm' }) | DataSmPdu;

export type SubmitValidation =
  | { ok: true; submit: Omit<SubmitRequest, 'account' | 'sessionId'> }
  | { ok: false; status: number; reason: string };

const refuse = (status: number, reason: string): SubmitValidation => ({ ok: false, status, reason });

/**
 * Checks a submit_sm or data_sm from a bound ESME and decodes it. Each refusal names the status
 * SMPP 3.4 gives for it: the destination (ESME_RINVDSTADR), the source against the account's
 * allowed sources (ESME_RINVSRCADR), data_coding (ESME_RINVDCS), the message's length and where it
 * travels (ESME_RINVMSGLEN: short_message or message_payload, never both, never neither).
 */
export function validateSubmit(pdu: SubmitPdu, account: SmppAccount): SubmitValidation {
  // Bits 5–2 of a submit ask for an ESME acknowledgement of an MO; smsgate takes messages only.
  if ((pdu.esmClass & EsmClass.TYPE_MASK) !== 0)
    return refuse(Status.ESME_RINVESMCLASS, 'esm_class is not a plain message');

  const destination = normalizePhone(readAddress(pdu.destination));
  if (!destination.ok) return refuse(Status.ESME_RINVDSTADR, `destination_addr: ${destination.reason}`);

  const from = readAddress(pdu.source);
  if (from !== '' && !sourceAllowed(from, account.allowedSources))
    return refuse(Status.ESME_RINVSRCADR, 'source_addr is not one of the account’s allowed sources');
  if (from.length > 32) return refuse(Status.ESME_RINVSRCADR, 'source_addr is longer than 32 characters');

  // A delivery smsgate would hold is not one it offers: refused rather than sent at once.
  if (pdu.command === 'submit_sm' && pdu.scheduleDeliveryTime !== '')
    return refuse(
      Status.ESME_RINVSCHED,
      'smsgate does not schedule deliveries: leave schedule_delivery_time empty',
    );
  const validity = pdu.command === 'submit_sm' ? parseSmppTime(pdu.validityPeriod) : undefined;
  if (validity === 'invalid') return refuse(Status.ESME_RINVEXPIRY, 'validity_period is not an SMPP time');
  if (validity && validity.getTime() <= Date.now())
    return refuse(Status.ESME_RINVEXPIRY, 'validity_period has already passed');

  if (!SUPPORTED_DATA_CODINGS.has(pdu.dataCoding))
    return refuse(Status.ESME_RINVDCS, `data_coding 0x${pdu.dataCoding.toString(16)} is not supported`);

  const shortMessage = pdu.command === 'submit_sm' ? pdu.shortMessage : Buffer.alloc(0);
  const payload = pdu.optional.messagePayload;
  if (shortMessage.length > MAX_SHORT_MESSAGE)
    return refuse(Status.ESME_RINVMSGLEN, `short_message is longer than ${MAX_SHORT_MESSAGE} octets`);
  // §5.3.2.32: with message_payload, sm_length is 0.
  if (shortMessage.length > 0 && payload !== undefined && payload.length > 0)
    return refuse(Status.ESME_RINVMSGLEN, 'both short_message and message_payload are given');
  const raw = shortMessage.length > 0 ? shortMessage : (payload ?? Buffer.alloc(0));

  let data = raw;
  let concatenation: Concatenation | undefined;
  if (pdu.esmClass & EsmClass.UDHI) {
    const udh = parseUdh(raw);
    if (!udh) return refuse(Status.ESME_RINVMSGLEN, 'the user data header runs past the message');
    data = udh.data;
    const concat = udh.header.concatenation;
    if (concat) {
      const sixteen = udh.header.elements.some((element) => element.id === 0x08);
      concatenation = { scheme: sixteen ? 'udh16' : 'udh8', ...concat };
    }
  }
  if (!concatenation) {
    const sar = sarOf(pdu);
    if (sar && !sar.ok) return sar;
    if (sar) concatenation = sar.concatenation;
  }
  if (concatenation?.total === 1) concatenation = undefined;

  if (data.length === 0) return refuse(Status.ESME_RINVMSGLEN, 'the message is empty');
  if (pdu.dataCoding === DataCoding.UCS2 && data.length % 2 !== 0)
    return refuse(Status.ESME_RINVMSGLEN, 'UCS-2 user data has an odd number of octets');
  const text = decodeText(data, pdu.dataCoding);
  if (text.length > MAX_OUTBOUND_TEXT)
    return refuse(Status.ESME_RINVMSGLEN, `the text is longer than ${MAX_OUTBOUND_TEXT} characters`);
  // NUL (Latin-1, IA5) or a lone surrogate (UCS-2) cannot be stored; the message cannot be submitted.
  if (!isStorable(text)) return refuse(Status.ESME_RSUBMITFAIL, 'the text has NUL or an unpaired surrogate');

  const submit: Omit<SubmitRequest, 'account' | 'sessionId'> = {
    command: pdu.command,
    sequence: pdu.sequence,
    to: destination.e164,
    ...(from !== '' ? { from } : {}),
    text,
    dataCoding: pdu.dataCoding,
    registeredDelivery: pdu.registeredDelivery,
    serviceType: pdu.serviceType,
    ...(concatenation ? { concatenation } : {}),
    scheduleDeliveryTime: pdu.command === 'submit_sm' ? pdu.scheduleDeliveryTime : '',
    validityPeriod: pdu.command === 'submit_sm' ? pdu.validityPeriod : '',
    ...(validity ? { expiresAt: validity } : {}),
    ...(pdu.optional.userMessageReference !== undefined
      ? { userMessageReference: pdu.optional.userMessageReference }
      : {}),
  };
  return { ok: true, submit };
}

/** The SAR TLVs (§5.3.2.22–24): all three or none. */
function sarOf(
  pdu: SubmitPdu,
): { ok: true; concatenation: Concatenation } | { ok: false; status: number; reason: string } | undefined {
  const { sarMsgRefNum, sarTotalSegments, sarSegmentSeqnum } = pdu.optional;
  const given = [sarMsgRefNum, sarTotalSegments, sarSegmentSeqnum].filter((value) => value !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < 3)
    return { ok: false, status: Status.ESME_RMISSINGOPTPARAM, reason: 'SAR parameters come as all three' };
  const total = sarTotalSegments!;
  const sequence = sarSegmentSeqnum!;
  if (total < 1 || sequence < 1 || sequence > total)
    return {
      ok: false,
      status: Status.ESME_RINVOPTPARAMVAL,
      reason: `sar_segment_seqnum ${sequence} of sar_total_segments ${total}`,
    };
  return { ok: true, concatenation: { scheme: 'sar', reference: sarMsgRefNum!, total, sequence } };
}

/** A source is allowed when the list is empty or names it; numbers match with or without `+`. */
export function sourceAllowed(from: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const key = comparable(from);
  return allowed.some((entry) => comparable(entry) === key);
}

const comparable = (address: string): string => {
  const trimmed = address.trim();
  return /^\+?\d+$/.test(trimmed) ? trimmed.replace(/^\+/, '') : trimmed;
};
