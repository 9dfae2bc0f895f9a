import {
  RawAnswer,
  requestFields,
  type InboundHandler,
  type InboundReader,
  type InboundRequest,
} from '../../inbound/inbound-handler';
import type { Refusal } from '../../inbound/inbound-event';
import {
  exFieldNamesOf,
  exReceiveResponse,
  isExCallbackAction,
  parseExReceive,
  readExStatus,
  readExStop,
} from './ex.inbound';
import { exXmlReceiveOf, readExXml } from './ex.xml-receive';

/** The receive fields: from an XML body when the channel sets from_xpath and text_xpath, else as posted. */
function receiveFields(
  config: Record<string, unknown>,
  request: InboundRequest,
): { ok: true; fields: Record<string, unknown> } | Refusal {
  const xml = exXmlReceiveOf(config);
  if (xml) return readExXml(request.body, xml);
  if (typeof request.body === 'string')
    return { ok: false, reason: 'an XML body is read only by a channel with from_xpath and text_xpath' };
  return { ok: true, fields: requestFields(request) };
}

/** Courier's `mo_response` (and `mo_response_content_type`): the answer to an accepted message, when set. */
function moResponseOf(config: Record<string, unknown>): RawAnswer | undefined {
  const body = config.mo_response;
  if (typeof body !== 'string' || body === '') return undefined;
  const contentType = config.mo_response_content_type;
  return new RawAnswer(
    body,
    typeof contentType === 'string' && contentType.trim() !== ''
      ? contentType.trim()
      : // What courier's server (Go's net/http) sniffs for a body without a content type.
        /^\s*<\?xml/.test(body)
        ? 'text/xml; charset=utf-8'
        : 'text/plain; charset=utf-8',
  );
}

/** RapidPro's receive: fields as query string, urlencoded or multipart form, or JSON; or an XML body. */
const receive: InboundReader = (channel, request) => {
  const read = receiveFields(channel.config, request);
  if (!read.ok) return read;
  const parsed = parseExReceive(read.fields, channel.country, exFieldNamesOf(channel.config));
  if (!parsed.ok) return parsed;
  const { from, text, sentAt } = parsed;
  const moResponse = moResponseOf(channel.config);
  return {
    ok: true,
    kind: 'message',
    message: { from, text, sentAt },
    answer: (accepted) =>
      moResponse ??
      exReceiveResponse(channel.id, {
        messageId: accepted.messageId,
        text,
        from,
        receivedOn: sentAt ?? accepted.receivedAt,
      }),
  };
};

const stopped: InboundReader = (channel, request) => {
  const stop = readExStop(requestFields(request), channel);
  return stop.ok ? { ok: true, kind: 'opt-out', from: stop.from, answer: stop.response } : stop;
};

const status =
  (action: string): InboundReader =>
  (channel, request) => {
    const read = readExStatus(action, requestFields(request), channel);
    return read.ok ? { ok: true, kind: 'report', report: read.report, answer: read.response } : read;
  };

/**
 * `/c/ex/<uuid>/receive`, and RapidPro's callbacks: `sent|delivered|failed` with `id` (our message id)
 * report a message's progress; `stopped` with `from` records that the number opted out of this channel.
 * Each is served over GET and POST.
 */
export const exInbound: InboundHandler = {
  route: (_method, action) => {
    if (action === 'receive') return receive;
    if (!isExCallbackAction(action))
      return { ok: false, unknown: true, reason: `unknown action ${action.slice(0, 32)}` };
    return action === 'stopped' ? stopped : status(action);
  },
};
