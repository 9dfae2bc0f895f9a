import { api, listOf } from './api.js';
import { confirmAction, h, notify, replace, statusBadge, table, time } from './dom.js';
import { STATUSES } from './statuses.js';

export interface MessageRow {
  id: string;
  direction: 'in' | 'out';
  channel: string | null;
  from: string | null;
  to: string | null;
  text: string;
  status: string;
  statusAt: string | null;
  correlationId: string | null;
  createdAt: string;
}

export interface ChannelRow {
  uuid: string;
  name: string;
  type: string;
  address: string | null;
  enabled: boolean;
}

const LIVE_INTERVAL_MS = 2_000;
const PAGE_SIZE = 50;

export const loadChannels = (): Promise<ChannelRow[]> =>
  api<unknown>('GET', '/v1/channels').then((answer) => listOf<ChannelRow>(answer));

/** The log: filters, newest first, pages on demand, refreshed every 2 s while Live is on; and a send form. */
export async function renderMessages(container: HTMLElement): Promise<() => void> {
  const channels = await loadChannels();
  const channelName = (id: string | null) =>
    id === null ? '—' : (channels.find((channel) => channel.uuid === id)?.name ?? id.slice(0, 8));

  const field = (id: string, label: string, control: HTMLElement) =>
    h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const status = h(
    'select',
    { id: 'f-status', name: 'status' },
    h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s }, s)),
  );
  const number = h('input', {
    id: 'f-to',
    name: 'to',
    type: 'search',
    placeholder: '+254…',
    autocomplete: 'off',
  });
  const channel = h(
    'select',
    { id: 'f-channel', name: 'channel' },
    h('option', { value: '' }, 'any'),
    channels.map((c) => h('option', { value: c.uuid }, c.name)),
  );
  const direction = h(
    'select',
    { id: 'f-direction', name: 'direction' },
    h('option', { value: '' }, 'both'),
    h('option', { value: 'out' }, 'outbound'),
    h('option', { value: 'in' }, 'inbound'),
  );
  const correlation = h('input', {
    id: 'f-correlation',
    name: 'correlationId',
    type: 'search',
    autocomplete: 'off',
  });
  const range = h(
    'select',
    { id: 'f-range', name: 'range' },
    h('option', { value: '3600' }, 'last hour'),
    h('option', { value: '86400', selected: true }, 'last 24 hours'),
    h('option', { value: '604800' }, 'last 7 days'),
    h('option', { value: 'custom' }, 'from … to …'),
    h('option', { value: '' }, 'any time'),
  );
  const since = h('input', { id: 'f-since', type: 'datetime-local', step: 1, disabled: true });
  const until = h('input', { id: 'f-until', type: 'datetime-local', step: 1, disabled: true });
  range.addEventListener('change', () => {
    since.disabled = until.disabled = range.value !== 'custom';
    for (const input of [since, until]) (input.parentElement as HTMLElement).hidden = input.disabled;
  });
  const live = h('input', { id: 'f-live', type: 'checkbox', checked: true });
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': 'Search messages' },
    field('f-status', 'Status', status),
    field('f-to', 'Number', number),
    field('f-channel', 'Channel', channel),
    field('f-direction', 'Direction', direction),
    field('f-correlation', 'Correlation id', correlation),
    field('f-range', 'Created', range),
    hidden(field('f-since', 'From', since)),
    hidden(field('f-until', 'To', until)),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Search')),
    h('div', { class: 'field inline' }, live, h('label', { for: 'f-live' }, 'Live')),
  );

  function hidden(element: HTMLElement): HTMLElement {
    element.hidden = true;
    return element;
  }

  const query = (cursor?: string) => {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status.value) params.set('status', status.value);
    if (number.value.trim()) params.set('to', number.value.trim());
    if (channel.value) params.set('channel', channel.value);
    if (direction.value) params.set('direction', direction.value);
    if (correlation.value.trim()) params.set('correlationId', correlation.value.trim());
    if (range.value === 'custom') {
      if (since.value) params.set('since', new Date(since.value).toISOString());
      if (until.value) params.set('until', new Date(until.value).toISOString());
    } else if (range.value) {
      params.set('since', new Date(Date.now() - Number(range.value) * 1_000).toISOString());
    }
    if (cursor) params.set('cursor', cursor);
    return `/v1/messages?${params}`;
  };

  const rows = new Map<string, MessageRow>();
  let order: string[] = [];
  let next: string | null = null;
  const changed = new Set<string>();
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older messages');
  const counter = h('p', { class: 'help', id: 'results-count' });

  const draw = () => {
    replace(
      results,
      table(
        'Messages, newest first',
        ['Created', 'Dir', 'From', 'To', 'Status', 'Channel', 'Text', 'Correlation id'],
        order.map((id) => {
          const m = rows.get(id)!;
          return [
            h('a', { href: `#/message/${m.id}`, class: 'mono', title: m.id }, time(m.createdAt)),
            m.direction === 'out' ? 'out' : 'in',
            m.from ?? '—',
            m.to ?? '—',
            h(
              'span',
              { class: changed.has(id) ? 'changed' : undefined, 'data-message': m.id },
              statusBadge(m.status),
            ),
            channelName(m.channel),
            h('span', { class: 'clip', title: m.text }, m.text),
            m.correlationId ?? '—',
          ];
        }),
        'No message matches.',
      ),
    );
    counter.textContent = `${order.length} shown${next ? ', more below' : ''}`;
    more.hidden = next === null;
  };

  const load = async (cursor?: string) => {
    const page = await api<{ data: MessageRow[]; next: string | null }>('GET', query(cursor));
    if (!cursor) {
      rows.clear();
      order = [];
    }
    for (const message of page.data) {
      rows.set(message.id, message);
      order.push(message.id);
    }
    next = page.next;
    changed.clear();
    draw();
  };

  /** Live: the first page again; new messages go on top, changed ones are marked. */
  const refresh = async () => {
    const page = await api<{ data: MessageRow[]; next: string | null }>('GET', query());
    changed.clear();
    const fresh: string[] = [];
    for (const message of page.data) {
      const before = rows.get(message.id);
      if (!before) fresh.push(message.id);
      if (!before || before.status !== message.status) changed.add(message.id);
      rows.set(message.id, message);
    }
    if (fresh.length > 0) order = [...fresh, ...order.filter((id) => !fresh.includes(id))];
    if (order.length === 0 && page.next) next = page.next;
    if (changed.size > 0 || fresh.length > 0) draw();
  };

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    load().catch((failure: Error) => notify(`Search failed: ${failure.message}`, 'error'));
  });
  more.addEventListener('click', () => {
    if (next)
      load(next).catch((failure: Error) => notify(`Could not load more: ${failure.message}`, 'error'));
  });

  let busy = false;
  const tick = () => {
    if (!live.checked || busy || document.hidden) return;
    busy = true;
    refresh()
      .catch((failure: Error) => notify(`Live update failed: ${failure.message}`, 'error'))
      .finally(() => (busy = false));
  };
  const timer = window.setInterval(tick, LIVE_INTERVAL_MS);

  replace(
    container,
    sendForm(channels, () => void refresh()),
    h(
      'section',
      { 'aria-labelledby': 'log-title' },
      h('h2', { id: 'log-title' }, 'Log'),
      filters,
      counter,
      results,
      more,
    ),
  );
  await load();
  return () => window.clearInterval(timer);
}

function sendForm(channels: ChannelRow[], sent: () => void): HTMLElement {
  const to = h('input', {
    id: 's-to',
    name: 'to',
    required: true,
    autocomplete: 'off',
    placeholder: '+254712345678',
  });
  const text = h('textarea', { id: 's-text', name: 'text', required: true, rows: 2, maxlength: 1600 });
  const channel = h(
    'select',
    { id: 's-channel', name: 'channel' },
    h('option', { value: '' }, 'by routes'),
    channels.filter((c) => c.enabled).map((c) => h('option', { value: c.uuid }, `${c.name} (${c.type})`)),
  );
  const form = h(
    'form',
    { class: 'send', 'aria-labelledby': 'send-title' },
    h('h2', { id: 'send-title' }, 'Send a message'),
    h('div', { class: 'field' }, h('label', { for: 's-to' }, 'To'), to),
    h('div', { class: 'field grow' }, h('label', { for: 's-text' }, 'Text'), text),
    h('div', { class: 'field' }, h('label', { for: 's-channel' }, 'Channel'), channel),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Send…')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body: Record<string, string> = { to: to.value.trim(), text: text.value };
    if (channel.value) body.channel = channel.value;
    void confirmAction('Send this message?', `To ${body.to}: “${body.text}”`, 'Send').then(async (yes) => {
      if (!yes) return;
      try {
        const answer = await api<{
          messages: { id?: string; to: string; status: string; reason?: string }[];
        }>('POST', '/v1/messages', body);
        const [first] = answer.messages;
        if (first?.status === 'rejected') notify(`Refused: ${first.reason ?? 'no reason given'}`, 'error');
        else {
          notify(`Accepted: message ${first?.id ?? ''} to ${first?.to ?? ''}.`);
          text.value = '';
          sent();
        }
      } catch (failure) {
        notify(`Not sent: ${(failure as Error).message}`, 'error');
      }
    });
  });
  return form;
}
