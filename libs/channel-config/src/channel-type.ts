import type { Attachment, ChannelType } from '@smsgate/contracts';
import type { InboundHandler } from './inbound/inbound-handler';
import type { AdapterOptions, ChannelAdapter } from './outbound/channel-adapter';
import type { ConfigValidator } from './shared/common.config';

/**
 * How the dispatcher sends a type's messages: through the type's HTTP adapter, or handed over to
 * smpp-binds, which holds the SMPP sessions.
 */
export type OutboundRoute =
  | { via: 'adapter'; createAdapter(options: AdapterOptions): ChannelAdapter }
  | { via: 'smpp-binds' };

/** What the channel view needs to list a channel's inbound URLs. */
export interface InboundUrlChannel {
  id: string;
  config?: Record<string, unknown>;
}

/**
 * Everything type-specific about a channel type, kept in its folder (`types/<type>/`) and listed in
 * `registry.ts`. Services reach a type's behaviour through the registry.
 */
export interface ChannelTypeDescriptor<Type extends ChannelType = ChannelType> {
  readonly type: Type;
  readonly validate: ConfigValidator;
  readonly outbound: OutboundRoute;
  /**
   * What the provider posts to `/c/<type>/<channel>/<action>`: which actions exist, how each is read
   * and answered (absent when nothing arrives over HTTP). Ingress serves every type's URLs with it.
   */
  readonly inbound?: InboundHandler;
  /** Where the provider reaches this channel on ingress, by name, as the channel view lists them. */
  inboundUrls(channel: InboundUrlChannel, publicUrl: string): Record<string, string>;
  /**
   * The canonical form of a provider's message id, so the id in a submit response and the id in a
   * later receipt compare equal.
   */
  normaliseProviderId(id: string): string;
  /**
   * The top-level config keys the type reads, besides the common ones (`tps`, `receipt_timeout_seconds`):
   * any other is refused at save rather than stored and never read.
   */
  readonly configKeys: readonly string[];
  /**
   * The secrets a channel of this type and config reads: any other is refused at save, as an unknown
   * config key is, rather than stored and never used.
   */
  secretNames(config: unknown): readonly string[];
  /** Whether a channel of this type and config shows a message's quick replies; absent: never. */
  showsQuickReplies?(config: unknown): boolean;
  /**
   * Why a channel of this type and config cannot send a message with these attachments, or undefined
   * when it can (how it carries them is the adapter's: a file request, a media field, URLs in the text).
   */
  attachmentsRefusal(config: unknown, attachments: readonly Attachment[]): string | undefined;
}

/** Opaque provider ids: only surrounding whitespace is dropped. */
export const trimmedProviderId = (id: string): string => id.trim();
