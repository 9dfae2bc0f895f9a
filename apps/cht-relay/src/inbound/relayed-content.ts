import type { InboundReceivedV1 } from '@smsgate/contracts';

/**
 * What CHT (`content`) and RapidPro's External API receive (`text`) get of an inbound message: both
 * take text only, so each file's URL follows the text on a line of its own, or stands alone when the
 * message has no text. Nothing the sender sent is dropped.
 */
export function relayedContent(message: Pick<InboundReceivedV1, 'text' | 'attachments'>): string {
  const urls = (message.attachments ?? []).map((attachment) => attachment.url);
  if (urls.length === 0) return message.text;
  return (message.text.trim() === '' ? urls : [message.text, ...urls]).join('\n');
}
