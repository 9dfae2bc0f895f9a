import { requestFields, type InboundHandler, type InboundReader } from '../../inbound/inbound-handler';
import {
  exFieldNamesOf,
  exReceiveResponse,
  isExCallbackAction,
  parseExReceive,
  readExStatus,
  readExStop,
} from './ex.inbound';

/** RapidPro's receive: fields as query string, urlencoded or multipart form, or JSON. */
const receive: InboundReader = (channel, request) => {
  const parsed = parseExReceive(requestFields(request), channel.country, exFieldNamesOf(channel.config));
  if (!parsed.ok) return parsed;
  const { from, text, sentAt } = parsed;
  return {
    ok: true,
    kind: 'message',
    message: { from, text, sentAt },
    answer: (accepted) =>
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
