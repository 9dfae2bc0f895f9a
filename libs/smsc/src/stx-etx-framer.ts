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
