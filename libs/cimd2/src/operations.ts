import { octetsOfHex } from '@smsgate/smsc';
import { CimdPacket, paramOf } from './packet';
import { cimdUserData, textOfCimdUserData } from './text';

/** Operation codes; a response is its request's code plus 50. */
export const Op = {
  LOGIN: 1,
  LOGOUT: 2,
  SUBMIT: 3,
  DELIVER_MESSAGE: 20,
  DELIVER_STATUS_REPORT: 23,
  ALIVE: 40,
  RESPONSE: 50,
  GENERAL_ERROR: 98,
  NACK: 99,
} as const;

/** Parameter codes. */
export const Param = {
  USER_IDENTITY: 10,
  PASSWORD: 11,
  DESTINATION: 21,
  ORIGINATOR: 23,
  ALPHANUMERIC_ORIGINATOR: 27,
  DATA_CODING_SCHEME: 30,
  USER_DATA_HEADER: 32,
  USER_DATA: 33,
  USER_DATA_BINARY: 34,
  MORE_MESSAGES: 44,
  VALIDITY_RELATIVE: 50,
  VALIDITY_ABSOLUTE: 51,
  STATUS_REPORT_REQUEST: 56,
  TIMESTAMP: 60,
  STATUS_CODE: 61,
  STATUS_ERROR_CODE: 62,
  DISCHARGE_TIME: 63,
  ERROR_CODE: 900,
  ERROR_TEXT: 901,
} as const;

/** Status report request (056): validity expired 2, delivery failed 4, delivered 8, cancelled 16, deleted 32. */
export const FINAL_REPORTS = 2 | 4 | 8 | 16 | 32;

/** What a message (03 submit, 20 deliver) carries, decoded. */
export interface CimdMessage {
  destination: string;
  /** Digits, or the alphanumeric originator (027). */
  originator: string;
  alphanumeric: boolean;
  /** Text from 033, or undefined when the data is binary (034). */
  text?: string;
  data?: Buffer;
  udh?: Buffer;
  dcs?: number;
  timestamp?: string;
  statusReportRequest?: number;
  /** Absolute validity (051), YYMMDDhhmmss. */
  validity?: string;
}

/** The parameters of operation 03 for one part. */
export function submitParams(
  message: Omit<CimdMessage, 'alphanumeric' | 'timestamp'> & { alphanumeric?: boolean },
): [number, string][] {
  const alphanumeric = message.alphanumeric ?? !/^\+?\d*$/.test(message.originator);
  return [
    [Param.DESTINATION, message.destination],
    ...(message.originator
      ? [
          [alphanumeric ? Param.ALPHANUMERIC_ORIGINATOR : Param.ORIGINATOR, message.originator] as [
            number,
            string,
          ],
        ]
      : []),
    ...(message.dcs ? [[Param.DATA_CODING_SCHEME, String(message.dcs)] as [number, string]] : []),
    ...(message.udh && message.udh.length > 0
      ? [[Param.USER_DATA_HEADER, message.udh.toString('hex').toUpperCase()] as [number, string]]
      : []),
    message.data !== undefined
      ? [Param.USER_DATA_BINARY, message.data.toString('hex').toUpperCase()]
      : [Param.USER_DATA, cimdUserData(message.text ?? '')],
    ...(message.validity ? [[Param.VALIDITY_ABSOLUTE, message.validity] as [number, string]] : []),
    ...(message.statusReportRequest !== undefined
      ? [[Param.STATUS_REPORT_REQUEST, String(message.statusReportRequest)] as [number, string]]
      : []),
  ];
}

/** Operation 03 or 20 decoded. Throws RangeError on parameters it cannot read. */
export function readMessage(packet: CimdPacket): CimdMessage {
  const alphanumericOriginator = paramOf(packet, Param.ALPHANUMERIC_ORIGINATOR);
  const udh = paramOf(packet, Param.USER_DATA_HEADER);
  const binary = paramOf(packet, Param.USER_DATA_BINARY);
  const dcs = paramOf(packet, Param.DATA_CODING_SCHEME);
  const timestamp = paramOf(packet, Param.TIMESTAMP);
  const request = paramOf(packet, Param.STATUS_REPORT_REQUEST);
  const validity = paramOf(packet, Param.VALIDITY_ABSOLUTE);
  if (dcs !== undefined && !/^\d{1,3}$/.test(dcs))
    throw new RangeError(`data coding scheme ${dcs} is not a number`);
  return {
    destination: paramOf(packet, Param.DESTINATION) ?? '',
    originator: alphanumericOriginator ?? paramOf(packet, Param.ORIGINATOR) ?? '',
    alphanumeric: alphanumericOriginator !== undefined,
    ...(binary !== undefined
      ? { data: octetsOfHex(binary) }
      : { text: textOfCimdUserData(paramOf(packet, Param.USER_DATA) ?? '') }),
    ...(udh ? { udh: octetsOfHex(udh) } : {}),
    ...(dcs !== undefined ? { dcs: Number(dcs) } : {}),
    ...(timestamp ? { timestamp } : {}),
    ...(request !== undefined ? { statusReportRequest: Number(request) } : {}),
    ...(validity ? { validity } : {}),
  };
}

/** Operation 23, a status report. */
export interface StatusReport {
  /** The original message's recipient and the SMSC's time stamp of it (the id receipts match by). */
  destination: string;
  timestamp: string;
  /** 1 in process, 2 validity expired, 3 delivery failed, 4 delivered, 5 no response, 6 last no response, 7 cancelled, 8 deleted, 9 deleted by cancel. */
  status: number;
  errorCode?: string;
  dischargeTime?: string;
}

export function readStatusReport(packet: CimdPacket): StatusReport {
  const destination = paramOf(packet, Param.DESTINATION);
  const timestamp = paramOf(packet, Param.TIMESTAMP);
  const status = paramOf(packet, Param.STATUS_CODE);
  if (!destination || !timestamp || !status || !/^\d$/.test(status))
    throw new RangeError('a status report needs a destination, a time stamp and a status code 1-9');
  const errorCode = paramOf(packet, Param.STATUS_ERROR_CODE);
  const dischargeTime = paramOf(packet, Param.DISCHARGE_TIME);
  return {
    destination,
    timestamp,
    status: Number(status),
    ...(errorCode ? { errorCode } : {}),
    ...(dischargeTime ? { dischargeTime } : {}),
  };
}

/** A response's outcome: its error code (900) when it has one. */
export function errorOf(packet: CimdPacket): number | undefined {
  const code = paramOf(packet, Param.ERROR_CODE);
  return code === undefined ? undefined : Number(code);
}

/** YYMMDDhhmmss of a time, in UTC. */
export function timestampOf(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds())
  );
}
