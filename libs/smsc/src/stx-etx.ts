const STX = 0x02;
const ETX = 0x03;

/**
 * Cuts a byte stream into the frames between STX and ETX, as UCP/EMI and CIMD2 delimit them: bytes
 * outside a frame are skipped; a frame cut off by a later STX is dropped for the later one; a run of
 * more than `maxFrame` bytes without ETX is reported and dropped. Each frame's text (Latin-1, without
 * STX and ETX) goes through `decode`; what it throws comes out, as `failure(error)`, in the frame's place.
 */
export class StxEtxFramer<Frame, Failure> {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly decode: (text: string) => Frame,
    private readonly failure: (error: unknown) => Failure,
    private readonly maxFrame = 16_384,
  ) {}

  push(chunk: Buffer): (Frame | Failure)[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: (Frame | Failure)[] = [];
    for (;;) {
      const start = this.buffer.indexOf(STX);
      if (start < 0) {
        this.buffer = Buffer.alloc(0);
        return out;
      }
      const end = this.buffer.indexOf(ETX, start + 1);
      if (end < 0) {
        this.buffer = this.buffer.subarray(start);
        if (this.buffer.length > this.maxFrame) {
          out.push(this.failure(new Error(`no ETX within ${this.maxFrame} bytes`)));
          this.buffer = Buffer.alloc(0);
        }
        return out;
      }
      const restart = this.buffer.lastIndexOf(STX, end);
      const text = this.buffer.toString('latin1', restart + 1, end);
      this.buffer = this.buffer.subarray(end + 1);
      try {
        out.push(this.decode(text));
      } catch (error) {
        out.push(this.failure(error));
      }
    }
  }
}

/**
 * The checksum UCP/EMI and CIMD2 write before ETX: the low byte of the sum of the characters' codes, as
 * two upper-case hex digits.
 */
export function checksumOf(text: string): string {
  let sum = 0;
  for (let index = 0; index < text.length; index += 1) sum += text.charCodeAt(index);
  return (sum & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

/** A hex field's octets (UCP's and CIMD2's binary fields); throws RangeError on odd length or non-hex digits. */
export function octetsOfHex(hex: string): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) throw new RangeError('not a hex string');
  return Buffer.from(hex, 'hex');
}
