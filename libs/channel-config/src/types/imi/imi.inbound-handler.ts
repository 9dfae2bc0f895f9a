import type { InboundHandler, InboundReader } from '../../inbound/inbound-handler';
import { parseImiMo, readImiReport } from './imi.inbound';

const receive: InboundReader = (channel, request) => {
  const mo = parseImiMo(request.body, channel.country);
  if (!mo.ok) return mo;
  const { from, text, sentAt, providerMessageId } = mo;
  return {
    ok: true,
    kind: 'message',
    message: { from, text, sentAt, providerMessageId },
    answer: (accepted) => ({ status: 'accepted', id: accepted.messageId }),
  };
};

const status: InboundReader = (channel, request) => {
  const read = readImiReport(request.body, channel.id);
  return read.ok ? { ok: true, kind: 'report', report: read.report, answer: { status: 'accepted' } } : read;
};

/** IMIconnect's MO notify (`receive`) and DR notify (`status`) URLs, POSTed to, as set in its service. */
export const imiInbound: InboundHandler = {
  route: (method, action) => {
    if (method !== 'POST') return undefined;
    if (action === 'receive') return receive;
    return action === 'status' ? status : undefined;
  },
};
