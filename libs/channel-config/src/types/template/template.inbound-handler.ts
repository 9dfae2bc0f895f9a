import type { InboundHandler, InboundReader } from '../../inbound/inbound-handler';
import { readTemplateEvent } from './template.inbound';

const event =
  (key: string | undefined): InboundReader =>
  (channel, request) => {
    const read = readTemplateEvent(channel, key, request.body);
    if (!read.ok) return read;
    return read.kind === 'report'
      ? { ok: true, kind: 'report', report: read.report, answer: { status: 'accepted' } }
      : {
          ok: true,
          kind: 'message',
          message: read.message,
          answer: (accepted) => ({ status: 'accepted', id: accepted.messageId }),
        };
  };

const byBody = event(undefined);

/**
 * Webhook events, POSTed to `/c/template/<channel>/<event_key>`, or to `/c/template/<channel>` with the
 * event named in the body; the channel's template names its events.
 */
export const templateInbound: InboundHandler = {
  route: (method, action) => (method === 'POST' ? event(action) : undefined),
  channelRoute: (method) => (method === 'POST' ? byBody : undefined),
};
