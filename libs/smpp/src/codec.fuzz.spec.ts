import { decodePdu, encodePdu, PduFramer, SmppDecodeError } from './codec';
import { SAMPLE_PDUS } from './pdu-samples.testing';

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Decoding must return a PDU or throw SmppDecodeError — never another error, never hang. */
function decodeOrTypedError(bytes: Buffer): void {
  try {
    decodePdu(bytes);
  } catch (error) {
    if (!(error instanceof SmppDecodeError)) throw error;
  }
}

describe('SMPP decoder under random and mutated input', () => {
  it('turns 20,000 mutated valid PDUs into PDUs or typed decode errors', () => {
    const random = prng(20261122);
    const valid = SAMPLE_PDUS.map(encodePdu);
    for (let round = 0; round < 20_000; round += 1) {
      const bytes = Buffer.from(valid[round % valid.length]);
      const flips = 1 + Math.floor(random() * 6);
      for (let flip = 0; flip < flips; flip += 1) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      // Mostly keep command_length consistent so the body decoders get exercised, not just framing.
      const cut = random() < 0.3 ? Math.floor(random() * bytes.length) : bytes.length;
      const mutated = Buffer.from(bytes.subarray(0, cut));
      if (mutated.length >= 4 && random() < 0.8) mutated.writeUInt32BE(mutated.length, 0);
      decodeOrTypedError(mutated);
    }
  });

  it('turns 20,000 random byte strings into typed errors, and a random stream through the framer too', () => {
    const random = prng(7);
    for (let round = 0; round < 20_000; round += 1) {
      const length = Math.floor(random() * 80);
      const bytes = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
      if (length >= 16 && random() < 0.7) bytes.writeUInt32BE(length, 0);
      decodeOrTypedError(bytes);
    }
    for (let round = 0; round < 500; round += 1) {
      const framer = new PduFramer();
      try {
        for (let chunk = 0; chunk < 20; chunk += 1) {
          const bytes = Buffer.from(
            Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256)),
          );
          for (const frame of framer.push(bytes)) decodeOrTypedError(frame);
        }
      } catch (error) {
        if (!(error instanceof SmppDecodeError) || !error.fatal) throw error;
      }
    }
  });
});
