import type { InboundChannel, InboundText, ProviderReport, Refusal } from './inbound-event';

/** A HEAD request is read as its GET. */
export type InboundMethod = 'GET' | 'POST';

/**
 * What a provider sent: the query string and the body's fields (JSON, urlencoded or multipart), or the
 * body as text when it is XML.
 */
export interface InboundRequest {
  query: unknown;
  body: unknown;
}

/** What ingress tells a type about an inbound message it accepted, for the provider's answer. */
export interface InboundAccepted {
  messageId: string;
  receivedAt: Date;
}

/** An answer sent as it is, with its own content type, instead of as JSON (e.g. a SOAP acknowledgement). */
export class RawAnswer {
  constructor(
    readonly body: string,
    readonly contentType: string,
  ) {}
}

/**
 * What a provider's request asks of ingress, with the answer the provider expects once it is done:
 * accept an inbound message, apply a report on a message, or record that a number opted out.
 */
export type InboundOutcome =
  | { ok: true; kind: 'message'; message: InboundText; answer(accepted: InboundAccepted): object | RawAnswer }
  | { ok: true; kind: 'report'; report: ProviderReport; answer: object }
  | { ok: true; kind: 'opt-out'; from: string; answer: object }
  | Refusal;

export type InboundReader = (
  channel: InboundChannel & { config: Record<string, unknown> },
  request: InboundRequest,
) => InboundOutcome;

/** How a type reads what its providers post to `/c/<type>/<channel>/<action>`. */
export interface InboundHandler {
  /**
   * The reader of `action` over `method`, asked before the channel is looked up: undefined when the
   * type has no such URL (answered as any unknown route is), a refusal to answer with instead.
   */
  route(method: InboundMethod, action: string): InboundReader | Refusal | undefined;
  /** The reader of `/c/<type>/<channel>` itself (no action), for types whose providers post there. */
  channelRoute?(method: InboundMethod): InboundReader | undefined;
}

const asFields = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** Query string and body fields together (body wins), whatever the body's encoding. */
export const requestFields = (request: InboundRequest): Record<string, unknown> => ({
  ...asFields(request.query),
  ...asFields(request.body),
});
