import { parseSmppTime, smppAbsoluteTime } from './address';

describe('SMPP times', () => {
  const now = new Date('2026-12-05T01:00:00Z');

  it('reads absolute times with their offset from UTC', () => {
    expect(parseSmppTime('261205120000000+', now)).toEqual(new Date('2026-12-05T12:00:00Z'));
    // 12:00 local, 3 hours (12 quarter hours) ahead of UTC.
    expect(parseSmppTime('261205120000012+', now)).toEqual(new Date('2026-12-05T09:00:00Z'));
    expect(parseSmppTime('261205120000508-', now)).toEqual(new Date('2026-12-05T14:00:00.500Z'));
  });

  it('reads relative times from now', () => {
    expect(parseSmppTime('000001020304000R', now)).toEqual(new Date('2026-12-06T03:03:04Z'));
    expect(parseSmppTime('000100000000000R', now)).toEqual(new Date('2027-01-05T01:00:00Z'));
  });

  it('reads back what it writes', () => {
    expect(parseSmppTime(smppAbsoluteTime(now), now)).toEqual(now);
  });

  it('says none for an empty field and invalid for anything else', () => {
    expect(parseSmppTime('', now)).toBeUndefined();
    for (const bad of [
      '2612051200',
      '261305120000000+',
      '261231246000000+',
      '260231120000000+',
      '26120512000000X+',
    ])
      expect(parseSmppTime(bad, now)).toBe('invalid');
  });
});
