import { gsm7SeptetsOf, isGsm7 } from './gsm';

export type Encoding = 'gsm7' | 'ucs2';

export interface SegmentCount {
  encoding: Encoding;
  segments: number;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  /** Units one segment holds: the single-message limit, or the concatenated-part limit when split. */
  perSegment: number;
  remainingInLast: number;
}

interface SegmentLimits {
  single: number;
  concatenated: number;
}

// A concatenated part gives up 6 octets of its 140 to the user data header with an 8-bit
// reference: 7 septets in GSM-7, 3 UTF-16 code units in UCS-2.
const LIMITS: Record<Encoding, SegmentLimits> = {
  gsm7: { single: 160, concatenated: 153 },
  ucs2: { single: 70, concatenated: 67 },
};

interface Part {
  text: string;
  units: number;
}

export function detectEncoding(text: string): Encoding {
  return isGsm7(text) ? 'gsm7' : 'ucs2';
}

/**
 * Segments the text is billed as. Counted from the actual split, so an escape pair or surrogate
 * pair pushed whole into the next part shows up as the extra segment the SMSC will send.
 */
export function countSegments(text: string): SegmentCount {
  const encoding = detectEncoding(text);
  const parts = splitIntoParts(text, encoding);
  const limits = LIMITS[encoding];
  const perSegment = parts.length === 1 ? limits.single : limits.concatenated;
  const units = parts.reduce((sum, part) => sum + part.units, 0);
  const last = parts.at(-1);
  return {
    encoding,
    segments: parts.length,
    units,
    perSegment,
    remainingInLast: perSegment - (last?.units ?? 0),
  };
}

/**
 * The parts an SMSC sends: the whole text when it fits one message, else parts of at most 153
 * septets (GSM-7) or 67 code units (UCS-2) that never cut an escape pair or a surrogate pair.
 */
export function splitSegments(text: string): string[] {
  return splitIntoParts(text, detectEncoding(text)).map((part) => part.text);
}

function splitIntoParts(text: string, encoding: Encoding): Part[] {
  const limits = LIMITS[encoding];
  const characters = [...text].map((character) => ({ character, units: unitsOf(character, encoding) }));
  const total = characters.reduce((sum, { units }) => sum + units, 0);
  if (total <= limits.single) return [{ text, units: total }];

  const parts: Part[] = [];
  let current: Part = { text: '', units: 0 };
  for (const { character, units } of characters) {
    if (current.units + units > limits.concatenated) {
      parts.push(current);
      current = { text: '', units: 0 };
    }
    current = { text: current.text + character, units: current.units + units };
  }
  parts.push(current);
  return parts;
}

function unitsOf(character: string, encoding: Encoding): number {
  switch (encoding) {
    case 'gsm7':
      // detectEncoding chose GSM-7 only if every character is in the alphabet.
      return gsm7SeptetsOf(character) ?? 0;
    case 'ucs2':
      return character.length;
  }
}
