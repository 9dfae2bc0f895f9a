import { decodePdu, encodePdu, PduFramer, SmppDecodeError, SmppEncodeError } from './codec';
import { CommandIds, Status } from './constants';
import { Pdu, shortMessage } from './pdu';

const roundTrip = (pdu: Pdu) => decodePdu(encodePdu(pdu));

describe('SMPP codec', () => {
  it('writes an enquire_link as the 16-octet header of the spec', () => {
    expect(encodePdu({ command: 'enquire_link', status: 0, sequence: 7 }).toString('hex')).toBe(
      '00000010' + '00000015' + '00000000' + '00000007',
    );
  });

  it('writes bind_transceiver field by field', () => {
    const bytes = encodePdu({
      command: 'bind_transceiver',
      status: 0,
      sequence: 1,
      systemId: 'smsgate',
      password: 'secret',
      systemType: '',
      interfaceVersion: 0x34,
      addrTon: 0,
      addrNpi: 0,
      addressRange: '',
    });
    expect(bytes.readUInt32BE(0)).toBe(bytes.length);
    expect(bytes.readUInt32BE(4)).toBe(CommandIds.bind_transceiver);
    expect(bytes.subarray(16).toString('latin1')).toBe('smsgate\0secret\0\0\x34\0\0\0');
  });

  it('round-trips every modelled PDU', () => {
    const pdus: Pdu[] = [
      {
        command: 'bind_transmitter_resp',
        status: 0,
        sequence: 2,
        systemId: 'SMSC',
        optional: { scInterfaceVersion: 0x34 },
      },
      shortMessage('submit_sm', {
        sequence: 9,
        source: { ton: 5, npi: 0, addr: 'VF-XYZBK' },
        destination: { ton: 1, npi: 1, addr: '254712345678' },
        esmClass: 0x40,
        registeredDelivery: 1,
        dataCoding: 8,
        validityPeriod: '261122101500000+',
        shortMessage: Buffer.from([5, 0, 3, 1, 2, 1, 0, 0x41]),
        optional: {
          sarMsgRefNum: 513,
          sarTotalSegments: 2,
          sarSegmentSeqnum: 1,
          other: [{ tag: 0x1401, value: Buffer.from('vendor') }],
        },
      }),
      shortMessage('deliver_sm', {
        sequence: 10,
        source: { ton: 1, npi: 1, addr: '254712345678' },
        destination: { ton: 3, npi: 0, addr: '22000' },
        esmClass: 0x04,
        optional: {
          receiptedMessageId: '0A1B',
          messageState: 2,
          networkErrorCode: { type: 3, code: 0x0102 },
        },
      }),
      {
        command: 'data_sm',
        status: 0,
        sequence: 11,
        serviceType: '',
        source: { ton: 1, npi: 1, addr: '254712345678' },
        destination: { ton: 0, npi: 0, addr: '22000' },
        esmClass: 0,
        registeredDelivery: 0,
        dataCoding: 0,
        optional: { messagePayload: Buffer.from('hello') },
      },
      { command: 'submit_sm_resp', status: 0, sequence: 9, messageId: 'abc123', optional: {} },
      {
        command: 'deliver_sm_resp',
        status: Status.ESME_RX_T_APPN,
        sequence: 10,
        messageId: '',
        optional: {},
      },
      { command: 'data_sm_resp', status: 0, sequence: 11, messageId: 'x', optional: {} },
      { command: 'unbind', status: 0, sequence: 12 },
      { command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: 13 },
    ];
    for (const pdu of pdus) expect(roundTrip(pdu)).toEqual(pdu);
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
