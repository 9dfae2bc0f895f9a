import { api, listOf } from './api.js';
import { confirmAction, h, notify, replace, table, time } from './dom.js';
import { ChannelRow, loadChannels } from './messages.js';

interface Bind {
  id: string;
  mode: string;
  state: string;
  window: number;
  outstanding: number;
  submitted: number;
  submitRate: number;
  throttled: number;
  boundAt?: string;
  lastError?: string;
  reconnects: number;
}

interface ChannelBinds {
  channel: string;
  state: string;
  status?: { code: number; name: string };
  replica: string;
  binds: Bind[];
}

interface Route {
  id: string;
  prefix: string | null;
  country: string | null;
  channels: string[];
}

const SMSC_TYPES = new Set(['smpp', 'ucp', 'cimd2']);
const REFRESH_MS = 5_000;

/** Channels with their state and every connection of SMSC channels; enable/disable; routes; opt-outs. */
export async function renderChannels(container: HTMLElement): Promise<() => void> {
  const list = h('div', { id: 'channel-list' });
  const routesBox = h('div', { id: 'routes' });
  const detailBox = h('section', { id: 'channel-detail', 'aria-live': 'polite' });
  let channels: ChannelRow[] = [];
  let binds: ChannelBinds[] = [];
  let opened: string | undefined;

  const bindsOf = (id: string) => binds.find((entry) => entry.channel === id);
  const stateOf = (channel: ChannelRow) => {
    if (!channel.enabled) return 'disabled';
    if (!SMSC_TYPES.has(channel.type)) return 'HTTP: no connection to hold';
    const entry = bindsOf(channel.uuid);
    if (!entry) return 'no replica holds it yet';
    const bound = entry.binds.filter((bind) => bind.state === 'bound').length;
    return `${entry.state}${entry.status ? ` (${entry.status.name})` : ''}: ${bound}/${entry.binds.length} bound`;
  };

  const toggle = (channel: ChannelRow) => {
    const enabling = !channel.enabled;
    void confirmAction(
      `${enabling ? 'Enable' : 'Disable'} ${channel.name}?`,
      enabling
        ? 'Messages routed to it are sent again; an SMSC channel binds again.'
        : 'No message is sent on it while disabled (routing fails over to the next channel); an SMSC channel unbinds.',
      enabling ? 'Enable' : 'Disable',
    ).then(async (yes) => {
      if (!yes) return;
      try {
        await api('PATCH', `/v1/channels/${channel.uuid}`, { enabled: enabling });
        notify(`${channel.name} is ${enabling ? 'enabled' : 'disabled'}.`);
        await load();
        list.querySelector<HTMLElement>(`[data-toggle="${channel.uuid}"]`)?.focus();
      } catch (failure) {
        notify(`Not changed: ${(failure as Error).message}`, 'error');
      }
    });
  };

  const drawList = () => {
    replace(
      list,
      table(
        'Channels',
        ['Name', 'Type', 'Address', 'State', 'Actions'],
        channels.map((channel) => [
          channel.name,
          channel.type,
          channel.address ?? '—',
          h('span', { 'data-channel-state': channel.uuid }, stateOf(channel)),
          h(
            'div',
            { class: 'row-actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'aria-expanded': opened === channel.uuid ? 'true' : 'false',
                onclick: () => void open(channel),
              },
              opened === channel.uuid ? 'Hide details' : 'Details',
            ),
            h(
              'button',
              {
                type: 'button',
                class: channel.enabled ? 'danger' : undefined,
                'data-toggle': channel.uuid,
                onclick: () => toggle(channel),
              },
              channel.enabled ? 'Disable…' : 'Enable…',
            ),
          ),
        ]),
        'No channel yet: create one with POST /v1/channels.',
      ),
    );
  };

  const open = async (channel: ChannelRow) => {
    if (opened === channel.uuid) {
      opened = undefined;
      replace(detailBox);
      drawList();
      return;
    }
    opened = channel.uuid;
    drawList();
    await drawDetail();
  };

  const drawDetail = async () => {
    const channel = channels.find((entry) => entry.uuid === opened);
    if (!channel) return replace(detailBox);
    const entry = bindsOf(channel.uuid);
    const optOuts = await api<unknown>('GET', `/v1/channels/${channel.uuid}/opt-outs?limit=50`)
      .then((answer) => listOf<{ address: string; stoppedAt?: string; at?: string }>(answer))
      .catch((failure: Error) => failure);
    replace(
      detailBox,
      h('h2', {}, `${channel.name}`),
      SMSC_TYPES.has(channel.type)
        ? [
            h('h3', {}, `Connections${entry ? ` (held by ${entry.replica})` : ''}`),
            table(
              'Connections (binds)',
              [
                'Bind',
                'Mode',
                'State',
                'Window in use',
                'Rate (/s)',
                'Submitted',
                'Throttled',
                'Reconnects',
                'Since',
                'Last error',
              ],
              (entry?.binds ?? []).map((bind) => [
                bind.id,
                bind.mode,
                bind.state,
                `${bind.outstanding}/${bind.window}`,
                bind.submitRate.toFixed(1),
                String(bind.submitted),
                String(bind.throttled),
                String(bind.reconnects),
                time(bind.boundAt),
                bind.lastError ?? '—',
              ]),
              channel.enabled ? 'No replica reports a connection for it yet.' : 'Disabled: no connection.',
            ),
          ]
        : h('p', {}, 'An HTTP channel: each message is a request, there is no connection to hold.'),
      h('h3', {}, 'Opt-outs'),
      optOuts instanceof Error
        ? h('p', { class: 'error' }, `Cannot list them: ${optOuts.message}`)
        : table(
            'Numbers that stopped this channel',
            ['Number', 'Since'],
            optOuts.map((o) => [o.address, time(o.stoppedAt ?? o.at)]),
            'Nobody opted out.',
          ),
    );
  };

  const load = async () => {
    const [channelList, bindAnswer, routes] = await Promise.all([
      loadChannels(),
      api<{ channels: ChannelBinds[] }>('GET', '/v1/binds').catch(() => ({ channels: [] })),
      api<unknown>('GET', '/v1/routes').then((answer) => listOf<Route>(answer)),
    ]);
    const shape = (list: ChannelRow[]) => list.map((c) => `${c.uuid}:${c.enabled}:${c.name}`).join();
    const same = shape(channelList) === shape(channels) && list.querySelector('table') !== null;
    channels = channelList;
    binds = bindAnswer.channels;
    // A refresh that changes no row rewrites only the state cells, so keyboard focus stays where it was.
    if (same) {
      for (const cell of list.querySelectorAll<HTMLElement>('[data-channel-state]')) {
        const channel = channels.find((c) => c.uuid === cell.dataset.channelState);
        if (channel) cell.textContent = stateOf(channel);
      }
    } else drawList();
    const name = (id: string) => channels.find((c) => c.uuid === id)?.name ?? id.slice(0, 8);
    replace(
      routesBox,
      table(
        'Routes',
        ['Destinations', 'Channels, in failover order'],
        routes.map((route) => [
          route.prefix
            ? `numbers starting ${route.prefix}`
            : route.country
              ? `country ${route.country}`
              : 'every other number',
          route.channels.map(name).join(' → '),
        ]),
        'No route: messages without a channel are not sent.',
      ),
    );
    if (opened) await drawDetail();
  };

  replace(
    container,
    list,
    detailBox,
    h('section', { 'aria-labelledby': 'routes-title' }, h('h2', { id: 'routes-title' }, 'Routes'), routesBox),
  );
  await load();
  const timer = window.setInterval(() => void load().catch(() => undefined), REFRESH_MS);
  return () => window.clearInterval(timer);
}
