import { CimdDecodeError, CimdFramer, decodePacket, encodePacket } from './packet';

describe('CIMD2 packets', () => {
  it('writes STX OO:NNN TAB, parameters each ending in TAB, the checksum and ETX', () => {
    const packet = encodePacket({
      op: 1,
      seq: 1,
      params: [
        [10, 'user'],
        [11, 'pass'],
      ],
    }).toString('latin1');
    const body = '\u000201:001\t010:user\t011:pass\t';
    let sum = 0;
    for (const character of body) sum += character.charCodeAt(0);
    expect(packet).toBe(`${body}${(sum & 0xff).toString(16).toUpperCase().padStart(2, '0')}\u0003`);
  });

  it('reads back what it writes, with or without a checksum', () => {
    const packet = {
      op: 3,
      seq: 7,
      params: [[21, '+254711'] as [number, string], [33, 'Hi _XX< there']] as [number, string][],
    };
    for (const checksum of [true, false]) {
      const bytes = encodePacket(packet, checksum).toString('latin1');
      expect(decodePacket(bytes.slice(1, -1))).toEqual(packet);
    }
  });

  it('refuses a wrong checksum and a malformed parameter, naming the operation and packet number', () => {
    const bytes = encodePacket({ op: 40, seq: 3, params: [] }).toString('latin1');
    const wrong = bytes.slice(1, -3) + '00';
    expect(() => decodePacket(wrong)).toThrow(CimdDecodeError);
    expect(catchError(() => decodePacket(wrong))).toMatchObject({ header: { op: 40, seq: 3 } });
    expect(catchError(() => decodePacket('03:005\tnot-a-param\t'))).toMatchObject({
      header: { op: 3, seq: 5 },
    });
    expect(catchError(() => decodePacket('junk'))).toMatchObject({ header: undefined });
  });

  it('cuts a stream into packets across chunks, skipping bytes between packets', () => {
    const one = encodePacket({ op: 40, seq: 1, params: [] });
    const two = encodePacket({ op: 90, seq: 2, params: [] });
    const stream = Buffer.concat([Buffer.from('xx'), one, Buffer.from('\r\n'), two]);
    const framer = new CimdFramer();
    const out = [...framer.push(stream.subarray(0, 5)), ...framer.push(stream.subarray(5))];
    expect(out.map((item) => (item instanceof CimdDecodeError ? 'error' : `${item.op}:${item.seq}`))).toEqual(
      ['40:1', '90:2'],
    );
  });

  it('refuses to write a packet number outside 0-255 or a value outside ISO-8859-1', () => {
    expect(() => encodePacket({ op: 40, seq: 256, params: [] })).toThrow(RangeError);
    expect(() => encodePacket({ op: 3, seq: 1, params: [[33, '€']] })).toThrow(RangeError);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}
