import { api } from './api.js';
import { h, replace, statusBadge, table, time } from './dom.js';
import { loadChannels, MessageRow } from './messages.js';

interface HistoryEvent {
  eventId: string;
  status: string;
  previousStatus: string | null;
  applied: boolean;
  part: number | null;
  source: string;
  detail: Record<string, unknown> | null;
  at: string;
}

interface Callback {
  status?: string;
  url: string;
  state: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface MessageDetail extends MessageRow {
  segments: number;
  encoding: string;
  providerIds: string[];
  priority: string | null;
  expiresAt: string | null;
  notifyUrl: string | null;
  attachments: { url: string; contentType?: string }[] | null;
  error: Record<string, unknown> | null;
  callbackFailure: Record<string, unknown> | null;
  partCount: number | null;
  updatedAt: string;
  history: HistoryEvent[];
  parts: { index: number; status: string; providerMessageId: string | null; updatedAt: string }[];
  callbacks?: Callback[];
  clicks: { linkid: string; at: string; userAgent: string | null }[];
}

const REFRESH_MS = 2_000;
const FINAL = new Set([
  'delivered',
  'failed',
  'expired',
  'rejected',
  'errored',
  'no_route',
  'unknown',
  'received',
]);

/** A URL without what may be a secret in it (user, password, query), as the callbacks list shows it. */
function withoutSecrets(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

const json = (value: unknown) => h('pre', { class: 'json' }, JSON.stringify(value, null, 2));

/** One message: what it is, its history (every report, applied or kept), parts, provider ids, callbacks. */
export async function renderMessage(container: HTMLElement, id: string | undefined): Promise<() => void> {
  if (!id) {
    replace(container, h('p', {}, 'No message named.'));
    return () => undefined;
  }
  const channels = await loadChannels();
  let timer: number | undefined;
  const draw = (m: MessageDetail) => {
    const channel = channels.find((c) => c.uuid === m.channel);
    const facts: [string, Node | string][] = [
      ['Id', h('code', {}, m.id)],
      ['Status', h('span', { id: 'message-status' }, statusBadge(m.status))],
      ['Status since', time(m.statusAt)],
      ['Direction', m.direction === 'out' ? 'outbound' : 'inbound'],
      ['From', m.from ?? '—'],
      ['To', m.to ?? '—'],
      ['Channel', channel ? `${channel.name} (${channel.type})` : (m.channel ?? 'none chosen')],
      ['Text', h('span', { class: 'text' }, m.text)],
      ['Segments', `${m.segments} (${m.encoding})${m.partCount ? `, ${m.partCount} parts reported` : ''}`],
      ['Provider ids', m.providerIds.length ? m.providerIds.join(', ') : '—'],
      ['Correlation id', m.correlationId ?? '—'],
      ['Priority', m.priority ?? '—'],
      ['Expires', time(m.expiresAt)],
      ['Created', time(m.createdAt)],
      ['Updated', time(m.updatedAt)],
      ['Callback URL', m.notifyUrl ? withoutSecrets(m.notifyUrl) : '—'],
    ];
    replace(
      container,
      h('p', {}, h('a', { href: '#/messages' }, '← Back to the log')),
      h(
        'dl',
        { class: 'facts' },
        facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
      ),
      m.error ? [h('h2', {}, 'Error'), json(m.error)] : null,
      m.attachments?.length
        ? [
            h('h2', {}, 'Attachments'),
            h(
              'ul',
              {},
              m.attachments.map((a) => h('li', {}, `${a.url}${a.contentType ? ` (${a.contentType})` : ''}`)),
            ),
          ]
        : null,
      h('h2', {}, 'History'),
      table(
        'Every report, oldest first',
        ['At', 'Status', 'Was', 'Applied', 'Part', 'Source', 'Detail'],
        m.history.map((event) => [
          time(event.at),
          statusBadge(event.status),
          event.previousStatus ?? '—',
          event.applied ? 'applied' : 'kept',
          event.part === null ? '—' : String(event.part),
          event.source,
          event.detail ? h('code', { class: 'detail' }, JSON.stringify(event.detail)) : '—',
        ]),
        'No report yet.',
      ),
      h('h2', {}, 'Parts'),
      table(
        'Parts',
        ['Part', 'Status', 'Provider id', 'Updated'],
        m.parts.map((part) => [
          String(part.index),
          statusBadge(part.status),
          part.providerMessageId ?? '—',
          time(part.updatedAt),
        ]),
        'No part reported yet.',
      ),
      h('h2', {}, 'Status callbacks'),
      m.callbacks
        ? table(
            'Callbacks to the sender',
            ['Created', 'Status', 'URL', 'Outcome', 'Attempts', 'Last error', 'Finished'],
            m.callbacks.map((c) => [
              time(c.createdAt),
              c.status ?? '—',
              c.url,
              c.state,
              String(c.attempts),
              c.lastError ?? '—',
              time(c.finishedAt),
            ]),
            m.notifyUrl ? 'No callback yet.' : 'The message asked for no callback.',
          )
        : h('p', {}, m.notifyUrl ? 'Callbacks go to the URL above.' : 'The message asked for no callback.'),
      m.callbackFailure ? [h('h3', {}, 'Callback failure'), json(m.callbackFailure)] : null,
      m.clicks.length
        ? [
            h('h2', {}, 'Smartlink clicks'),
            table(
              'Clicks',
              ['At', 'Link', 'User agent'],
              m.clicks.map((c) => [time(c.at), c.linkid, c.userAgent ?? '—']),
            ),
          ]
        : null,
    );
  };
  const load = async () => {
    const message = await api<MessageDetail>('GET', `/v1/messages/${encodeURIComponent(id)}`);
    draw(message);
    // A message still on its way is followed until it is final.
    if (FINAL.has(message.status) && timer !== undefined) window.clearInterval(timer);
    return message;
  };
  const first = await load();
  if (!FINAL.has(first.status))
    timer = window.setInterval(() => void load().catch(() => undefined), REFRESH_MS);
  return () => window.clearInterval(timer);
}
