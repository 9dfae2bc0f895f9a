import { decodePdu, encodePdu, PduFramer, SmppDecodeError, SmppEncodeError } from './codec';
import { CommandIds, Status } from './constants';
import { Pdu, shortMessage } from './pdu';
import { SAMPLE_BIND, SAMPLE_PDUS } from './pdu-samples.testing';

const roundTrip = (pdu: Pdu) => decodePdu(encodePdu(pdu));

describe('SMPP codec', () => {
  it('writes an enquire_link as the 16-octet header of the spec', () => {
    expect(encodePdu({ command: 'enquire_link', status: 0, sequence: 7 }).toString('hex')).toBe(
      '00000010' + '00000015' + '00000000' + '00000007',
    );
  });

  it('writes bind_transceiver field by field', () => {
    const bytes = encodePdu(SAMPLE_BIND);
    expect(bytes.readUInt32BE(0)).toBe(bytes.length);
    expect(bytes.readUInt32BE(4)).toBe(CommandIds.bind_transceiver);
    expect(bytes.subarray(16).toString('latin1')).toBe('smsgate\0secret\0\0\x34\0\0\0');
  });

  it('round-trips every modelled PDU', () => {
    for (const pdu of SAMPLE_PDUS) expect(roundTrip(pdu)).toEqual(pdu);
  });

  it('reads an error submit_sm_resp without a body, and a success one without a message id', () => {
    const header = (status: number) => {
      const bytes = Buffer.alloc(16);
      bytes.writeUInt32BE(16, 0);
      bytes.writeUInt32BE(CommandIds.submit_sm_resp, 4);
      bytes.writeUInt32BE(status, 8);
      bytes.writeUInt32BE(5, 12);
      return bytes;
    };
    expect(decodePdu(header(Status.ESME_RTHROTTLED))).toMatchObject({ status: 0x58, messageId: '' });
    expect(decodePdu(header(0))).toMatchObject({ command: 'submit_sm_resp', messageId: '' });
    expect(
      encodePdu({ command: 'submit_sm_resp', status: 0x58, sequence: 5, messageId: 'x', optional: {} }),
    ).toHaveLength(16);
  });

  it('returns unknown commands for a generic_nack instead of failing', () => {
    const bytes = encodePdu({ command: 'enquire_link', status: 0, sequence: 3 });
    bytes.writeUInt32BE(0x00000021, 4);
    expect(decodePdu(bytes)).toMatchObject({ command: 'unknown', commandId: 0x21, sequence: 3 });
  });

  it('reports a malformed body with the sequence so the session can answer it', () => {
    const bytes = encodePdu(
      shortMessage('deliver_sm', {
        sequence: 42,
        source: { ton: 0, npi: 0, addr: '1' },
        destination: { ton: 0, npi: 0, addr: '2' },
      }),
    );
    const truncated = Buffer.from(bytes.subarray(0, bytes.length - 1));
    truncated.writeUInt32BE(truncated.length, 0);
    const error = (() => {
      try {
        decodePdu(truncated);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SmppDecodeError);
    expect(error).toMatchObject({ fatal: false, sequence: 42, commandId: CommandIds.deliver_sm });
  });

  it('refuses to write fields longer than SMPP allows', () => {
    expect(() =>
      encodePdu(
        shortMessage('submit_sm', {
          source: { ton: 0, npi: 0, addr: 'x'.repeat(21) },
          destination: { ton: 0, npi: 0, addr: '1' },
        }),
      ),
    ).toThrow(SmppEncodeError);
    expect(() =>
      encodePdu(
        shortMessage('submit_sm', {
          source: { ton: 0, npi: 0, addr: '1' },
          destination: { ton: 0, npi: 0, addr: '2' },
          shortMessage: Buffer.alloc(255),
        }),
      ),
    ).toThrow('short_message is longer than 254 octets');
  });

  it('frames PDUs split and joined arbitrarily across chunks', () => {
    const stream = Buffer.concat([
      encodePdu({ command: 'enquire_link', status: 0, sequence: 1 }),
      encodePdu({ command: 'submit_sm_resp', status: 0, sequence: 2, messageId: 'id-2', optional: {} }),
      encodePdu({ command: 'unbind', status: 0, sequence: 3 }),
    ]);
    const framer = new PduFramer();
    const frames: Buffer[] = [];
    for (let offset = 0; offset < stream.length; offset += 5)
      frames.push(...framer.push(stream.subarray(offset, offset + 5)));
    expect(frames.map((frame) => decodePdu(frame).sequence)).toEqual([1, 2, 3]);
  });

  it('stops framing at an impossible command_length', () => {
    expect(() => new PduFramer().push(Buffer.from('0000000400000015', 'hex'))).toThrow(SmppDecodeError);
    expect(() => new PduFramer().push(Buffer.from('7fffffff00000015', 'hex'))).toThrow(/outside/);
  });
});
