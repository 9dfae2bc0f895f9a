import { normaliseProviderId } from './provider-id';

describe('normaliseProviderId', () => {
  it('makes SMPP hex ids case- and zero-padding-insensitive', () => {
    expect(normaliseProviderId('smpp', '000A1B')).toBe('a1b');
    expect(normaliseProviderId('smpp', 'a1b')).toBe('a1b');
    expect(normaliseProviderId('smpp', ' 0000 ')).toBe('0');
  });

  it('lower-cases SMPP ids that are not hex but keeps their zeros', () => {
    expect(normaliseProviderId('smpp', 'MSG-007')).toBe('msg-007');
  });

  it('lower-cases IMIconnect transids', () => {
    expect(normaliseProviderId('imi', 'F9793C83-F0B7-4200-99D9-20111C507BAF')).toBe(
      'f9793c83-f0b7-4200-99d9-20111c507baf',
    );
  });

  it('keeps other providers ids as they are, without surrounding whitespace', () => {
    expect(normaliseProviderId('ex', ' AbC-001\n')).toBe('AbC-001');
    expect(normaliseProviderId('template', '00Ab')).toBe('00Ab');
  });
});
