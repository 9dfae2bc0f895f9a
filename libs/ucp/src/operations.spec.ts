import {
  ackFields,
  dateOfScts,
  FIELDS_5X,
  fieldsOf5x,
  loginFields,
  nackFields,
  read5x,
  readNotification,
  readResult,
  readShortMessage,
  sctsOf,
  submitFields,
  validityOf,
} from './operations';

describe('UCP operations', () => {
  it('has the 33 fields of the 5x series in order', () => {
    expect(FIELDS_5X).toHaveLength(33);
    expect(FIELDS_5X.indexOf('MT')).toBe(18);
    expect(FIELDS_5X.indexOf('Msg')).toBe(20);
    expect(FIELDS_5X.indexOf('OTOA')).toBe(28);
    expect(FIELDS_5X.indexOf('XSer')).toBe(30);
  });

  it('logs in with operation 60: OTON 6, ONPI 5, STYP 1, the password in IRA hex, VERS 0100', () => {
    expect(loginFields({ address: '07656765', password: 'Password' })).toEqual([
      '07656765',
      '6',
      '5',
      '1',
      '50617373776F7264',
      '',
      '0100',
      '',
      '',
      '',
      '',
      '',
    ]);
  });

  it('submits GSM text as MT 3 with a notification request, and reads it back', () => {
    const fields = submitFields({
      adc: '00254712345678',
      oadc: '22000',
      text: 'Hello {x}',
      nrq: true,
      nt: 3,
    });
    expect(fields).toMatchObject({ AdC: '00254712345678', OAdC: '22000', MT: '3', NRq: '1', NT: '3' });
    expect(fields.OTOA).toBeUndefined();
    expect(readShortMessage(read5x(fieldsOf5x(fields)))).toMatchObject({
      adc: '00254712345678',
      oadc: '22000',
      alphanumeric: false,
      text: 'Hello {x}',
      nrq: true,
      nt: 3,
    });
  });

  it('submits UCS-2 as MT 4 with NB and XSer DCS 08, an alphanumeric sender with OTOA 5039', () => {
    const data = Buffer.from('Привет', 'utf16le').swap16();
    const fields = submitFields({
      adc: '0025471',
      oadc: 'CLINIC',
      data,
      dcs: 8,
      udh: Buffer.from([5, 0, 3, 1, 2, 1]),
    });
    expect(fields).toMatchObject({ MT: '4', NB: '0096', OTOA: '5039', XSer: '0106050003010201020108' });
    const read = readShortMessage(read5x(fieldsOf5x(fields)));
    expect(read).toMatchObject({ oadc: 'CLINIC', alphanumeric: true, dcs: 8 });
    expect(read.data).toEqual(data);
    expect(read.udh).toEqual(Buffer.from([5, 0, 3, 1, 2, 1]));
  });

  it('reads a delivery notification (53): recipient, SCTS, Dst, Rsn', () => {
    const fields = read5x(
      fieldsOf5x({
        AdC: '22000',
        OAdC: '0025471',
        SCTS: '020702151501',
        Dst: '2',
        Rsn: '107',
        DSCTS: '020702151601',
      }),
    );
    expect(readNotification(fields)).toEqual({
      recipient: '0025471',
      scts: '020702151501',
      dst: 2,
      rsn: '107',
      dscts: '020702151601',
    });
    expect(() => readNotification(read5x(fieldsOf5x({ Dst: '0' })))).toThrow(RangeError);
  });

  it('answers 5x with ACK, MVP, SM and 31/60 with ACK, SM; reads ACKs and NACKs', () => {
    expect(ackFields(51, '0025471:020702151501')).toEqual(['A', '', '0025471:020702151501']);
    expect(ackFields(60, 'ok')).toEqual(['A', 'ok']);
    expect(nackFields(7, 'no')).toEqual(['N', '07', 'no']);
    expect(readResult({ trn: 1, kind: 'R', ot: 51, fields: ['A', '', 'id'] })).toEqual({
      ok: true,
      sm: 'id',
    });
    expect(readResult({ trn: 1, kind: 'R', ot: 60, fields: ['A', 'hi'] })).toEqual({ ok: true, sm: 'hi' });
    expect(readResult({ trn: 1, kind: 'R', ot: 51, fields: ['N', '24', 'too long'] })).toEqual({
      ok: false,
      code: 24,
      sm: 'too long',
    });
    expect(() => readResult({ trn: 1, kind: 'R', ot: 51, fields: ['X'] })).toThrow(RangeError);
  });

  it('writes and reads SCTS (DDMMYYhhmmss) and VP (DDMMYYhhmm) in UTC', () => {
    const date = new Date('2026-12-05T07:08:09Z');
    expect(sctsOf(date)).toBe('051226070809');
    expect(validityOf(date)).toBe('0512260708');
    expect(dateOfScts('051226070809')).toEqual(date);
    expect(dateOfScts('0512260708')).toEqual(new Date('2026-12-05T07:08:00Z'));
    expect(dateOfScts('311326000000')).toBeUndefined();
  });
});
