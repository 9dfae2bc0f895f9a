import type { AdapterOptions, AdapterType, ChannelAdapter } from './channel-adapter';
import { ExAdapter } from './ex/ex.adapter';
import { ImiAdapter } from './imi/imi.adapter';
import { TemplateAdapter } from './template/template.adapter';

export {
  ADAPTER_TYPES,
  DEFAULT_TIMEOUT_MS,
  MESSAGE_ID_HEADER,
  PART_HEADER,
  dedupeHeaders,
  isAdapterType,
  type AdapterChannel,
  type AdapterOptions,
  type AdapterType,
  type ChannelAdapter,
  type Detail,
  type OutboundMessage,
  type SendResult,
} from './channel-adapter';
export { ExAdapter, ImiAdapter, TemplateAdapter };

/** One adapter per HTTP channel type. */
export function createChannelAdapters(options: AdapterOptions = {}): Map<AdapterType, ChannelAdapter> {
  return new Map<AdapterType, ChannelAdapter>([
    ['ex', new ExAdapter(options)],
    ['imi', new ImiAdapter(options)],
    ['template', new TemplateAdapter(options)],
  ]);
}
