import { isUuid, MessageStatus, stableId } from '@smsgate/contracts';
import { normalizePhone } from '@smsgate/sms';
import { providerIdProblem, type ProviderReport, type Refusal } from '../../inbound/inbound-event';
import { parseIsoDate, storableDate } from '../../inbound/provider-dates';

export type ImiMo =
  | { ok: true; from: string; text: string; sentAt?: Date; providerMessageId?: string }
  | { ok: false; reason: string };

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;

/** IMIconnect's MO notification: `oa` (sender), `da`, `message`, `tid`, `datetime`, `ts`. */
export function parseImiMo(body: unknown, country: string | null): ImiMo {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, reason: 'body must be a JSON object' };
  const fields = body as Record<string, unknown>;
  const oa = str(fields.oa);
  if (!oa) return { ok: false, reason: "missing required field 'oa'" };
  const phone = normalizePhone(oa, country ?? undefined);
  if (!phone.ok) return { ok: false, reason: `invalid 'oa' number: ${phone.reason}` };
  const text = typeof fields.message === 'string' ? fields.message : '';
  if (text.length > 20_000) return { ok: false, reason: "'message' is longer than 20000 characters" };
  const datetime = str(fields.datetime);
  const ts = Number(fields.ts);
  const sentAt =
    (datetime ? parseIsoDate(datetime) : undefined) ??
    (Number.isFinite(ts) && ts > 0 ? storableDate(new Date(ts)) : undefined);
  const tid = str(fields.tid);
  const tooLong = providerIdProblem('tid', tid);
  if (tooLong) return { ok: false, reason: tooLong };
  return { ok: true, from: phone.e164, text, sentAt, providerMessageId: tid };
}

export type ImiDr =
  | {
      ok: true;
      messageId?: string;
      transid?: string;
      status: MessageStatus;
      code?: string;
      description?: string;
      at: Date;
    }
  | { ok: false; reason: string };

/** IMIconnect delivery codes: 7500 is Delivered; the named states say the rest. */
function statusOf(code: string | undefined, deliveryStatus: string | undefined): MessageStatus {
  const state = (deliveryStatus ?? '').toLowerCase();
  if (code === '7500' || state === 'delivered') return 'delivered';
  if (state.includes('expire')) return 'expired';
  if (state.includes('reject')) return 'rejected';
  if (state === 'sent' || state === 'submitted') return 'sent';
  return 'failed';
}

/** IMIconnect's `deliveryInfoNotification`: our id comes back as `correlationid`, theirs as `transid`. */
export function parseImiDr(body: unknown): ImiDr {
  const notification = (body as { deliveryInfoNotification?: Record<string, unknown> } | null)
    ?.deliveryInfoNotification;
  if (typeof notification !== 'object' || notification === null) {
    return { ok: false, reason: "missing 'deliveryInfoNotification'" };
  }
  const info = (notification.deliveryInfo ?? {}) as Record<string, unknown>;
  const correlationId = str(notification.correlationid);
  const transid = str(notification.transid);
  const messageId = correlationId && isUuid(correlationId) ? correlationId : undefined;
  if (!messageId && !transid)
    return { ok: false, reason: "needs 'correlationid' (our message id) or 'transid'" };
  const tooLong = providerIdProblem('transid', transid);
  if (tooLong) return { ok: false, reason: tooLong };
  const code = str(info.code);
  const timeStamp = str(info.timeStamp);
  return {
    ok: true,
    messageId,
    transid,
    status: statusOf(code, str(info.deliveryStatus)),
    code,
    description: str(info.Description) ?? str(info.description),
    at: (timeStamp ? parseIsoDate(timeStamp) : undefined) ?? new Date(),
  };
}

/** A DR notification as the report it is: by our id when it names one, else by IMIconnect's transid. */
export function readImiReport(
  body: unknown,
  channelId: string,
): { ok: true; report: ProviderReport } | Refusal {
  const dr = parseImiDr(body);
  if (!dr.ok) return dr;
  const detail = { code: dr.code ?? null, description: dr.description ?? null, source: 'imi dr' };
  const eventId = stableId('imi-dr', channelId, dr.messageId ?? dr.transid ?? '', dr.status, dr.code ?? '');
  const report = { eventId, status: dr.status, detail, at: dr.at };
  return {
    ok: true,
    report: dr.messageId
      ? { ...report, messageId: dr.messageId, providerMessageId: dr.transid }
      : { ...report, providerMessageId: dr.transid! },
  };
}
