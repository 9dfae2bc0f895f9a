import { Status } from '@smsgate/smpp';

/** Fields whose own status SMPP 3.4 names when their value is too long. */
const FIELD_STATUS: Record<string, number> = {
  system_id: Status.ESME_RINVSYSID,
  password: Status.ESME_RINVPASWD,
  system_type: Status.ESME_RINVSYSTYP,
  service_type: Status.ESME_RINVSERTYP,
  source_addr: Status.ESME_RINVSRCADR,
  destination_addr: Status.ESME_RINVDSTADR,
  schedule_delivery_time: Status.ESME_RINVSCHED,
  validity_period: Status.ESME_RINVEXPIRY,
};

/**
 * The generic_nack status for a PDU whose header was readable but whose body was not (the codec's
 * SmppDecodeError message): a broken optional parameter stream or a wrong TLV length, a field too
 * long for its own status, else the body does not fit command_length (ESME_RINVCMDLEN).
 */
export function decodeErrorStatus(message: string): number {
  if (/truncated optional parameter header|optional parameter 0x[0-9a-f]+ runs past/.test(message))
    return Status.ESME_RINVOPTPARSTREAM;
  if (/ must be \d+ octets$/.test(message)) return Status.ESME_RINVPARLEN;
  const tooLong = /: (\w+) is longer than \d+ octets$/.exec(message);
  if (tooLong) return FIELD_STATUS[tooLong[1]] ?? Status.ESME_RINVCMDLEN;
  return Status.ESME_RINVCMDLEN;
}
