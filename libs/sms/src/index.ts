export {
  countryOf,
  isKnownCountry,
  nationalNumberOf,
  normalizePhone,
  toNoPlus,
  type PhoneKind,
  type PhoneResult,
} from './phone';
export {
  GSM7_ESCAPE,
  decodeGsm7,
  encodeGsm7,
  gsm7SeptetsOf,
  isGsm7,
  packSeptets,
  septetLength,
  unpackSeptets,
} from './gsm';
export { countSegments, detectEncoding, splitSegments, type Encoding, type SegmentCount } from './segments';
export { replaceGsm7Substitutions, smartEncode } from './smart-encoding';
