import { createHash } from 'node:crypto';

/**
 * A concatenation reference from the message id: the same on every replay of the message, so a part
 * submitted again after a crash joins the parts the phone already has.
 */
export function concatenationReference(messageId: string): number {
  return createHash('sha256').update(messageId).digest().readUInt16BE(0);
}
