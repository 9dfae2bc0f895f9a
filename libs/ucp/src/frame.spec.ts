import { checksumOf } from '@smsgate/smsc';
import { decodeFrame, encodeFrame, UcpDecodeError, UcpFramer } from './frame';

const STX = '\x02';
const ETX = '\x03';

describe('UCP frames', () => {
  it('writes the alert example of the EMI-UCP specification byte for byte (LEN 00035, checksum A0)', () => {
    const frame = encodeFrame({ trn: 2, kind: 'O', ot: 31, fields: ['0234765439845', '0139'] });
    expect(frame.toString('latin1')).toBe(`${STX}02/00035/O/31/0234765439845/0139/A0${ETX}`);
  });

  it('reads back what it writes, empty fields included', () => {
    const fields = ['A', '', '0612345678:020702151501'];
    const text = encodeFrame({ trn: 99, kind: 'R', ot: 51, fields }).toString('latin1').slice(1, -1);
    expect(decodeFrame(text)).toEqual({ trn: 99, kind: 'R', ot: 51, fields });
  });

  it('refuses a bad checksum with code 01 and a wrong LEN with code 02, naming the TRN and OT', () => {
    const good = '02/00035/O/31/0234765439845/0139/A0';
    const badSum = good.replace(/A0$/, 'A1');
    expect(() => decodeFrame(badSum)).toThrow(UcpDecodeError);
    expect(catchError(() => decodeFrame(badSum))).toMatchObject({
      code: 1,
      header: { trn: 2, kind: 'O', ot: 31 },
    });
    const badLength = good.replace('00035', '00036');
    expect(catchError(() => decodeFrame(badLength))).toMatchObject({ code: 2, header: { trn: 2, ot: 31 } });
    expect(catchError(() => decodeFrame('garbage'))).toMatchObject({ code: 2, header: undefined });
  });

  it('computes the checksum as the low byte of the character sum, two upper-case hex digits', () => {
    expect(checksumOf('')).toBe('00');
    expect(checksumOf('\u00ff\u0001')).toBe('00');
    expect(checksumOf('/')).toBe('2F');
  });

  it('cuts a stream into frames across chunk boundaries, skipping garbage and reporting bad frames', () => {
    const one = encodeFrame({ trn: 1, kind: 'O', ot: 31, fields: ['123', '0539'] });
    const two = encodeFrame({ trn: 2, kind: 'R', ot: 31, fields: ['A', ''] });
    const stream = Buffer.concat([
      Buffer.from('noise'),
      one,
      Buffer.from(`${STX}01/00010/O/31/XX${ETX}`),
      two,
    ]);
    const framer = new UcpFramer();
    const out = [
      ...framer.push(stream.subarray(0, 7)),
      ...framer.push(stream.subarray(7, 30)),
      ...framer.push(stream.subarray(30)),
    ];
    expect(out.map((item) => (item instanceof UcpDecodeError ? 'error' : `${item.kind}${item.trn}`))).toEqual(
      ['O1', 'error', 'R2'],
    );
  });

  it('starts again at a later STX when a frame was cut off', () => {
    const whole = encodeFrame({ trn: 5, kind: 'O', ot: 31, fields: ['1', '0539'] });
    const out = new UcpFramer().push(Buffer.concat([Buffer.from(`${STX}05/000`), whole]));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ trn: 5, ot: 31 });
  });

  it('refuses to write a TRN outside 00-99 or a field with a control character', () => {
    expect(() => encodeFrame({ trn: 100, kind: 'O', ot: 31, fields: [] })).toThrow(RangeError);
    expect(() => encodeFrame({ trn: 1, kind: 'O', ot: 31, fields: ['a\x03b'] })).toThrow(RangeError);
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
