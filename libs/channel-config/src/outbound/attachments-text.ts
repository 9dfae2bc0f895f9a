import type { Attachment } from '@smsgate/contracts';

/**
 * The text and, on a line each after it, the attachments' URLs: how courier sends files on a channel
 * that carries text only (an External API channel), and how smpp channels set to `append_url` do.
 */
export function textWithAttachments(message: { text: string; attachments?: readonly Attachment[] }): string {
  const urls = (message.attachments ?? []).map((attachment) => attachment.url);
  return [message.text, ...urls].filter((line) => line !== '').join('\n');
}
