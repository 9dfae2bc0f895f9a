import { cimdUserData, textOfCimdUserData } from './text';

describe('CIMD2 user data', () => {
  it('writes ASCII as itself, @ and other GSM characters with their escapes', () => {
    expect(cimdUserData('Hello')).toBe('Hello');
    expect(cimdUserData('a@b')).toBe('a_Oab');
    expect(cimdUserData('£$¥')).toBe('_L-$_Y-');
    expect(cimdUserData('"quoted"')).toBe('_qqquoted_qq');
    expect(cimdUserData('ÄÖÜäöüß')).toBe('_A"_O"_U"_a"_o"_u"_ss');
  });

  it('writes the extension table after _XX', () => {
    expect(cimdUserData('[€]')).toBe('_XX<_XXe_XX>');
    expect(cimdUserData('{}^~\\|')).toBe('_XX(_XX)_XX_gl_XX=_XX/_XX_!!');
  });

  it('reads every GSM character back, and the single characters @ $ ] } as GSM reads them', () => {
    const all =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà^{}\\[~]|€';
    expect(textOfCimdUserData(cimdUserData(all))).toBe(all);
    expect(textOfCimdUserData('@$]}')).toBe('@$Åå');
  });

  it('reads bytes over 0x7F as ISO-8859-1 characters', () => {
    expect(textOfCimdUserData('caf\u00e9 \u00e6')).toBe('café æ');
  });
});
