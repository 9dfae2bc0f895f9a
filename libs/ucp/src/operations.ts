import { octetsOfHex } from '@smsgate/smsc';
import { UcpFrame } from './frame';
import {
  alphanumericAddress,
  encodeXSer,
  gsmHex,
  iraHex,
  parseXSer,
  textOfAlphanumericAddress,
  textOfGsmHex,
  XSER_DCS,
  XSER_UDH,
  XSer,
} from './text';

/** The operations smsgate speaks. */
export const Op = { ALERT: 31, SUBMIT: 51, DELIVER: 52, NOTIFICATION: 53, SESSION: 60 } as const;

/** The 33 fields every 5x-series operation has, in order (EMI-UCP 4.x §5.2). */
export const FIELDS_5X = [
  'AdC',
  'OAdC',
  'AC',
  'NRq',
  'NAdC',
  'NT',
  'NPID',
  'LRq',
  'LRAd',
  'LPID',
  'DD',
  'DDT',
  'VP',
  'RPID',
  'SCTS',
  'Dst',
  'Rsn',
  'DSCTS',
  'MT',
  'NB',
  // AMsg (MT 3), TMsg (MT 4) or NMsg (MT 2): one field.
  'Msg',
  'MMS',
  'PR',
  'DCs',
  'MCLs',
  'RPI',
  'CPg',
  'RPLy',
  'OTOA',
  'HPLMN',
  'XSer',
  'RES4',
  'RES5',
] as const;
export type Field5x = (typeof FIELDS_5X)[number];
export type Fields5x = Partial<Record<Field5x, string>>;

/** Operation 60's 12 fields, in order. */
export const FIELDS_60 = [
  'OAdC',
  'OTON',
  'ONPI',
  'STYP',
  'PWD',
  'NPWD',
  'VERS',
  'LAdC',
  'LTON',
  'LNPI',
  'OPID',
  'RES1',
] as const;

export const fieldsOf5x = (values: Fields5x): string[] => FIELDS_5X.map((name) => values[name] ?? '');

export function read5x(fields: readonly string[]): Fields5x {
  if (fields.length !== FIELDS_5X.length)
    throw new RangeError(`a 5x operation has ${FIELDS_5X.length} fields, not ${fields.length}`);
  return Object.fromEntries(FIELDS_5X.map((name, index) => [name, fields[index]])) as Fields5x;
}

/** Operation 60, open session: the account's address and password (STYP 1, VERS 0100). */
export function loginFields(account: {
  address: string;
  password: string;
  ton?: string;
  npi?: string;
}): string[] {
  const values: Record<(typeof FIELDS_60)[number], string> = {
    OAdC: account.address,
    OTON: account.ton ?? '6',
    ONPI: account.npi ?? '5',
    STYP: '1',
    PWD: iraHex(account.password),
    NPWD: '',
    VERS: '0100',
    LAdC: '',
    LTON: '',
    LNPI: '',
    OPID: '',
    RES1: '',
  };
  return FIELDS_60.map((name) => values[name]);
}

/** Operation 31, alert: the keep-alive (PID 0539: PC over TCP/IP). */
export const alertFields = (address: string): string[] => [address, '0539'];

/** What a short message (51 submit, 52 deliver) carries, decoded. */
export interface ShortMessage {
  /** Recipient. */
  adc: string;
  /** Originator: digits, or the alphanumeric text (OTOA 5039) decoded. */
  oadc: string;
  alphanumeric: boolean;
  /** MT 3 text, or undefined for MT 4. */
  text?: string;
  /** MT 4 octets (UCS-2 or binary, per the DCS). */
  data?: Buffer;
  udh?: Buffer;
  /** The data coding scheme from XSer 02, if given. */
  dcs?: number;
  scts?: string;
  /** Notification requested, and which (NT). */
  nrq?: boolean;
  nt?: number;
  /** DDMMYYhhmm. */
  vp?: string;
}

/** The fields of operation 51 for one part. */
export function submitFields(
  message: Omit<ShortMessage, 'alphanumeric' | 'scts'> & {
    alphanumeric?: boolean;
    /** The originator is an international number (OTOA 1139). */
    international?: boolean;
  },
): Fields5x {
  const alphanumeric = message.alphanumeric ?? !/^\d*$/.test(message.oadc);
  const xser: XSer[] = [];
  if (message.udh && message.udh.length > 0) xser.push({ type: XSER_UDH, data: message.udh });
  if (message.dcs !== undefined && message.dcs !== 0)
    xser.push({ type: XSER_DCS, data: Buffer.from([message.dcs]) });
  const values: Fields5x = {
    AdC: message.adc,
    OAdC: alphanumeric ? alphanumericAddress(message.oadc) : message.oadc,
    ...(alphanumeric ? { OTOA: '5039' } : message.international ? { OTOA: '1139' } : {}),
    ...(message.nrq ? { NRq: '1', NT: String(message.nt ?? 3) } : {}),
    ...(message.vp ? { VP: message.vp } : {}),
    ...(xser.length > 0 ? { XSer: encodeXSer(xser) } : {}),
  };
  if (message.data !== undefined) {
    values.MT = '4';
    values.NB = String(message.data.length * 8).padStart(4, '0');
    values.Msg = message.data.toString('hex').toUpperCase();
  } else {
    values.MT = '3';
    values.Msg = gsmHex(message.text ?? '');
  }
  return values;
}

/** Operation 52 (or 51, as the simulator reads it) decoded. Throws RangeError on fields it cannot read. */
export function readShortMessage(fields: Fields5x): ShortMessage {
  const alphanumeric = fields.OTOA === '5039';
  const xser = fields.XSer ? parseXSer(fields.XSer) : [];
  const udh = xser.find((element) => element.type === XSER_UDH)?.data;
  const dcs = xser.find((element) => element.type === XSER_DCS)?.data[0];
  const message: ShortMessage = {
    adc: fields.AdC ?? '',
    oadc: alphanumeric ? textOfAlphanumericAddress(fields.OAdC ?? '') : (fields.OAdC ?? ''),
    alphanumeric,
    ...(udh ? { udh } : {}),
    ...(dcs !== undefined ? { dcs } : {}),
    ...(fields.SCTS ? { scts: fields.SCTS } : {}),
    ...(fields.NRq === '1' ? { nrq: true, nt: Number(fields.NT || 3) } : {}),
    ...(fields.VP ? { vp: fields.VP } : {}),
  };
  if (fields.MT === '4') return { ...message, data: octetsOfHex(fields.Msg ?? '') };
  if (fields.MT === '3' || fields.MT === undefined || fields.MT === '')
    return { ...message, text: textOfGsmHex(fields.Msg ?? '') };
  throw new RangeError(`MT ${fields.MT} is not supported`);
}

/** Operation 53, a delivery notification, as smsgate reads it. */
export interface Notification {
  /** The original message's recipient (53's OAdC) and the SMSC's time stamp of it (SCTS). */
  recipient: string;
  scts: string;
  /** 0 delivered, 1 buffered, 2 not delivered. */
  dst: number;
  /** The reason code (Rsn), three digits. */
  rsn?: string;
  /** When it happened (DSCTS, DDMMYYhhmmss). */
  dscts?: string;
  /** The notification's text, if any (MT 3). */
  text?: string;
}

export function readNotification(fields: Fields5x): Notification {
  const dst = Number(fields.Dst);
  if (!fields.SCTS || !/^[012]$/.test(fields.Dst ?? ''))
    throw new RangeError('a notification needs SCTS and Dst 0-2');
  return {
    recipient: fields.OAdC ?? '',
    scts: fields.SCTS,
    dst,
    ...(fields.Rsn ? { rsn: fields.Rsn } : {}),
    ...(fields.DSCTS ? { dscts: fields.DSCTS } : {}),
    ...(fields.Msg && fields.MT === '3' ? { text: textOfGsmHex(fields.Msg) } : {}),
  };
}

/** A positive result: 5x (ACK, MVP, SM) or 31/60 (ACK, SM). */
export function ackFields(ot: number, sm = ''): string[] {
  return ot >= 50 && ot < 60 ? ['A', '', sm] : ['A', sm];
}

/** A negative result: NACK, the two-digit error code, SM. */
export const nackFields = (code: number, sm = ''): string[] => ['N', String(code).padStart(2, '0'), sm];

/** A result frame read: positive with its SM, or negative with its error code. */
export type UcpResult = { ok: true; sm: string } | { ok: false; code: number; sm: string };

export function readResult(frame: UcpFrame): UcpResult {
  const [flag, second = '', third = ''] = frame.fields;
  if (flag === 'A') return { ok: true, sm: frame.ot >= 50 && frame.ot < 60 ? third : second };
  if (flag === 'N') {
    const code = Number(second);
    if (!/^\d{1,2}$/.test(second))
      throw new RangeError(`a NACK's error code must be two digits, not ${second}`);
    return { ok: false, code, sm: third };
  }
  throw new RangeError(`a result must start with A or N, not ${JSON.stringify(flag)}`);
}

/** The SCTS (DDMMYYhhmmss) of a time, in UTC. */
export function sctsOf(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    two(date.getUTCDate()) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds())
  );
}

/** A DDMMYYhhmm(ss) time read as UTC; undefined when it is not one. */
export function dateOfScts(value: string | undefined): Date | undefined {
  const match = value ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value) : null;
  if (!match) return undefined;
  const [, dd, mo, yy, hh, mi, ss] = match;
  const date = new Date(
    Date.UTC(2000 + Number(yy), Number(mo) - 1, Number(dd), Number(hh), Number(mi), Number(ss ?? 0)),
  );
  return Number.isNaN(date.getTime()) || date.getUTCMonth() !== Number(mo) - 1 ? undefined : date;
}

/** VP for operation 51: DDMMYYhhmm, UTC. */
export const validityOf = (date: Date): string => sctsOf(date).slice(0, 10);
