/** Information element ids of the user data header (TS 23.040 §9.2.3.24). */
export const IEI_CONCAT_8BIT = 0x00;
export const IEI_CONCAT_16BIT = 0x08;

export interface Concatenation {
  reference: number;
  total: number;
  /** 1-based. */
  sequence: number;
}

export interface UserDataHeader {
  concatenation?: Concatenation;
  elements: { id: number; data: Buffer }[];
}

/** The UDH (length octet included) of one part of a concatenated message. */
export function concatenationUdh(part: Concatenation, referenceBits: 8 | 16): Buffer {
  return referenceBits === 8
    ? Buffer.from([0x05, IEI_CONCAT_8BIT, 0x03, part.reference & 0xff, part.total, part.sequence])
    : Buffer.from([
        0x06,
        IEI_CONCAT_16BIT,
        0x04,
        (part.reference >> 8) & 0xff,
        part.reference & 0xff,
        part.total,
        part.sequence,
      ]);
}

/**
 * Splits a short_message whose esm_class has UDHI set into header and user data. Returns undefined
 * when the header length runs past the message or an element is truncated (the caller then treats
 * the whole message as text rather than dropping it).
 */
export function parseUdh(
  message: Buffer,
): { header: UserDataHeader; data: Buffer; headerLength: number } | undefined {
  if (message.length === 0) return undefined;
  const headerLength = message[0] + 1;
  if (headerLength > message.length) return undefined;
  const elements: { id: number; data: Buffer }[] = [];
  let offset = 1;
  while (offset < headerLength) {
    if (offset + 2 > headerLength) return undefined;
    const id = message[offset];
    const length = message[offset + 1];
    if (offset + 2 + length > headerLength) return undefined;
    elements.push({ id, data: Buffer.from(message.subarray(offset + 2, offset + 2 + length)) });
    offset += 2 + length;
  }
  const header: UserDataHeader = { elements };
  for (const element of elements) {
    const { id, data } = element;
    if (id === IEI_CONCAT_8BIT && data.length === 3 && data[1] > 0 && data[2] > 0 && data[2] <= data[1]) {
      header.concatenation = { reference: data[0], total: data[1], sequence: data[2] };
    } else if (
      id === IEI_CONCAT_16BIT &&
      data.length === 4 &&
      data[2] > 0 &&
      data[3] > 0 &&
      data[3] <= data[2]
    ) {
      header.concatenation = { reference: data.readUInt16BE(0), total: data[2], sequence: data[3] };
    }
  }
  return { header, data: Buffer.from(message.subarray(headerLength)), headerLength };
}
