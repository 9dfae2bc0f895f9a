import {
  CODE_LENGTH,
  DEFAULT_VALIDITY_MINUTES,
  isCode,
  linkIdOf,
  linkIdsIn,
  newCode,
  parseSmartlinks,
  unfilledPlaceholder,
} from './smartlink-text';

describe('smartlink codes', () => {
  it('are 10 base62 characters, different each time', () => {
    const codes = Array.from({ length: 2_000 }, newCode);
    expect(codes.every((code) => code.length === CODE_LENGTH && isCode(code))).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('use the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 500 }, newCode).join(''));
    expect(seen.size).toBe(62);
  });

  it('recognise only their own shape', () => {
    expect(isCode('aB3dE5gH9k')).toBe(true);
    expect(isCode('aB3dE5gH9')).toBe(false);
    expect(isCode('aB3dE5gH9k/')).toBe(false);
    expect(isCode('aB3dE5gH9-')).toBe(false);
  });
});

describe('smartlink placeholders and requests', () => {
  it('finds each link id once', () => {
    expect(linkIdsIn('a {{link_5}} b {{link_promo}} {{link_5}} {{link_}} {link_6}')).toEqual([
      '5',
      'promo',
      '',
    ]);
  });

  it('reads a numeric linkid as its string form', () => {
    expect(linkIdOf(5)).toBe('5');
    expect(linkIdOf('5')).toBe('5');
    expect(linkIdOf(1.5)).toBeUndefined();
    expect(linkIdOf(-1)).toBeUndefined();
    expect(linkIdOf('a b')).toBeUndefined();
    expect(linkIdOf('')).toBeUndefined();
  });

  it("parses the seed's smartlinks, validity in minutes", () => {
    const parsed = parseSmartlinks([{ linkid: 5, validity: 30 }, { linkid: 'promo' }]);
    expect(parsed).toEqual({
      ok: true,
      validity: new Map([
        ['5', 30],
        ['promo', DEFAULT_VALIDITY_MINUTES],
      ]),
    });
  });

  it.each([
    ['not an array', { linkid: 5 }, 'must be an array'],
    ['an entry not an object', [5], 'must be an array'],
    ['an unknown field', [{ linkid: 5, url: 'x' }], "unknown field 'url'"],
    ['a bad linkid', [{ linkid: 'a b' }], 'linkid must be'],
    ['a repeated linkid', [{ linkid: 5 }, { linkid: '5' }], 'names linkid 5 twice'],
    ['a zero validity', [{ linkid: 5, validity: 0 }], 'validity of linkid 5'],
    ['a fractional validity', [{ linkid: 5, validity: 1.5 }], 'validity of linkid 5'],
    ['a validity over a year', [{ linkid: 5, validity: 525_601 }], 'validity of linkid 5'],
    ['a validity of another type', [{ linkid: 5, validity: true }], 'validity of linkid 5'],
  ])('refuses %s', (_case, value, reason) => {
    const parsed = parseSmartlinks(value);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it('names a placeholder without an entry', () => {
    const validity = new Map([['5', 30]]);
    expect(unfilledPlaceholder('go {{link_5}}', validity)).toBeUndefined();
    expect(unfilledPlaceholder('go {{link_6}}', validity)).toBe(
      '{{link_6}} has no entry in channels.smartlinks',
    );
  });
});
