import type { Attachment, ChannelType } from '@smsgate/contracts';
import type { ChannelTypeDescriptor } from './channel-type';
import type { InboundHandler } from './inbound/inbound-handler';
import type { AdapterOptions, ChannelAdapter } from './outbound/channel-adapter';
import { exChannel } from './types/ex';
import { imiChannel } from './types/imi';
import { smppChannel } from './types/smpp';
import { templateChannel } from './types/template';
import { ucpChannel } from './types/ucp';
import { cimd2Channel } from './types/cimd2';

/** Every channel type, by name: the one place a type is registered (see docs/channel-types.md). */
export const CHANNEL_TYPES = {
  ex: exChannel,
  imi: imiChannel,
  template: templateChannel,
  smpp: smppChannel,
  ucp: ucpChannel,
  cimd2: cimd2Channel,
} as const satisfies { [Type in ChannelType]: ChannelTypeDescriptor<Type> };

export const channelTypeOf = (type: ChannelType): ChannelTypeDescriptor => CHANNEL_TYPES[type];

/** One adapter per type the dispatcher sends over HTTP itself. */
export function createChannelAdapters(options: AdapterOptions = {}): Map<ChannelType, ChannelAdapter> {
  const adapters = new Map<ChannelType, ChannelAdapter>();
  for (const descriptor of Object.values(CHANNEL_TYPES) as ChannelTypeDescriptor[]) {
    if (descriptor.outbound.via === 'adapter')
      adapters.set(descriptor.type, descriptor.outbound.createAdapter(options));
  }
  return adapters;
}

/** A provider's message id on a channel of `type`, in the form submit responses and receipts share. */
export const normaliseProviderId = (type: ChannelType, id: string): string =>
  channelTypeOf(type).normaliseProviderId(id);

/** Where providers send a channel's inbound messages and reports. */
export const inboundUrlsOf = (
  channel: { id: string; type: ChannelType; config?: Record<string, unknown> },
  publicUrl: string,
): Record<string, string> => channelTypeOf(channel.type).inboundUrls(channel, publicUrl);

/** How a type named in a URL reads what providers post to it; undefined for no such type or none posted. */
export const inboundHandlerOf = (type: string): InboundHandler | undefined =>
  Object.hasOwn(CHANNEL_TYPES, type) ? channelTypeOf(type as ChannelType).inbound : undefined;

/**
 * Why a channel cannot take a message's quick replies (its type never shows them, or its config does not
 * use them), or undefined when it shows them.
 */
export function quickRepliesRefusal(channel: { type: ChannelType; config: unknown }): string | undefined {
  const descriptor = channelTypeOf(channel.type);
  if (!descriptor.showsQuickReplies)
    return `a channel of type ${channel.type} cannot show quick replies (ex channels can, with {{quick_replies}})`;
  return descriptor.showsQuickReplies(channel.config)
    ? undefined
    : "the channel's config does not use {{quick_replies}} in its send_url or body";
}

/**
 * Why a channel cannot send a message carrying these attachments (its type has no way to, its config
 * turns them away), or undefined when it can.
 */
export function attachmentsRefusal(
  channel: { type: ChannelType; config: unknown },
  attachments: readonly Attachment[] | undefined,
): string | undefined {
  if (!attachments || attachments.length === 0) return undefined;
  return channelTypeOf(channel.type).attachmentsRefusal(channel.config, attachments);
}
