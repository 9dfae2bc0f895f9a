import uPlot from 'uplot';
import { api } from './api.js';
import { h, milliseconds, replace, table, time } from './dom.js';
import { loadChannels } from './messages.js';

interface Latency {
  p50: number;
  p90: number;
  p99: number;
}

interface Bucket {
  at: string;
  byStatus: Record<string, number>;
  byChannel: Record<string, number>;
  delivered: number;
  failed: number;
  latencyMs: Latency | null;
}

interface Traffic {
  bucketSeconds: number;
  buckets: Bucket[];
  totals: {
    messages: number;
    delivered: number;
    failed: number;
    deliveryRate: number | null;
    latencyMs: Latency | null;
  };
}

const PALETTE = [
  '#1f6feb',
  '#2da44e',
  '#cf222e',
  '#bf8700',
  '#8250df',
  '#0a7ea4',
  '#e16f24',
  '#57606a',
  '#d6336c',
  '#1b7c83',
];
const REFRESH_MS = 30_000;

/** Messages per minute by status and by channel, delivery rate and latency percentiles: last hour or day. */
export async function renderTraffic(container: HTMLElement): Promise<() => void> {
  const channels = await loadChannels();
  const nameOf = (id: string) =>
    id === 'none' ? 'no channel' : (channels.find((c) => c.uuid === id)?.name ?? id.slice(0, 8));
  const window_ = h(
    'select',
    { id: 't-window' },
    h('option', { value: '1h' }, 'last hour'),
    h('option', { value: '24h' }, 'last 24 hours'),
  );
  const body = h('div', { id: 'traffic' });
  let charts: uPlot[] = [];
  const draw = async () => {
    const traffic = await api<Traffic>('GET', `/v1/stats/traffic?window=${window_.value}`);
    for (const chart of charts) chart.destroy();
    charts = [];
    const xs = traffic.buckets.map((bucket) => Date.parse(bucket.at) / 1_000);
    const perMinute = (n: number) => (n * 60) / traffic.bucketSeconds;
    const keys = (pick: (b: Bucket) => Record<string, number>) =>
      [...new Set(traffic.buckets.flatMap((b) => Object.keys(pick(b))))].sort();
    const statuses = keys((b) => b.byStatus);
    const channelIds = keys((b) => b.byChannel);
    const chartBox = (id: string, title: string) => h('figure', { id, class: 'chart', 'aria-label': title });
    const boxes = {
      status: chartBox('chart-status', 'Messages per minute by status'),
      channel: chartBox('chart-channel', 'Messages per minute by channel'),
      rate: chartBox('chart-rate', 'Delivery rate'),
      latency: chartBox('chart-latency', 'Delivery latency percentiles'),
    };
    const t = traffic.totals;
    replace(
      body,
      h(
        'dl',
        { class: 'totals' },
        h('div', {}, h('dt', {}, 'Messages'), h('dd', { id: 'total-messages' }, String(t.messages))),
        h('div', {}, h('dt', {}, 'Delivered'), h('dd', {}, String(t.delivered))),
        h('div', {}, h('dt', {}, 'Failed'), h('dd', {}, String(t.failed))),
        h(
          'div',
          {},
          h('dt', {}, 'Delivery rate'),
          h('dd', {}, t.deliveryRate === null ? '—' : `${(t.deliveryRate * 100).toFixed(1)} %`),
        ),
        h(
          'div',
          {},
          h('dt', {}, 'Latency p50 / p90 / p99'),
          h(
            'dd',
            {},
            t.latencyMs
              ? `${milliseconds(t.latencyMs.p50)} / ${milliseconds(t.latencyMs.p90)} / ${milliseconds(t.latencyMs.p99)}`
              : '—',
          ),
        ),
      ),
      h('div', { class: 'charts' }, boxes.status, boxes.channel, boxes.rate, boxes.latency),
      h(
        'details',
        {},
        h('summary', {}, 'The figures as a table'),
        table(
          'Traffic by bucket',
          ['From', 'Messages', 'Delivered', 'Failed', 'p50', 'p90', 'p99'],
          traffic.buckets
            .filter((b) => Object.keys(b.byStatus).length > 0)
            .map((b) => [
              time(b.at),
              String(Object.values(b.byStatus).reduce((a, n) => a + n, 0)),
              String(b.delivered),
              String(b.failed),
              milliseconds(b.latencyMs?.p50),
              milliseconds(b.latencyMs?.p90),
              milliseconds(b.latencyMs?.p99),
            ]),
          'No message in this window.',
        ),
      ),
    );
    const plot = (
      box: HTMLElement,
      title: string,
      unit: string,
      series: { label: string; values: (number | null)[] }[],
      range?: [number, number],
    ) => {
      const options: uPlot.Options = {
        title,
        // The figure's own width (the grid gives each chart half the page, or all of it when narrow).
        width: Math.max(300, box.clientWidth - 16),
        height: 220,
        scales: { x: { time: true }, ...(range ? { y: { range } } : {}) },
        axes: [{}, { label: unit, size: 60 }],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: PALETTE[i % PALETTE.length],
            width: 2,
            spanGaps: false,
            // Rates and latencies exist only where messages were decided: dots show lone ones.
            points: { show: s.values.some((value) => value === null), size: 6 },
          })),
        ],
      };
      charts.push(new uPlot(options, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, box));
    };
    plot(
      boxes.status,
      'Messages per minute, by status',
      'msg/min',
      statuses.map((status) => ({
        label: status,
        values: traffic.buckets.map((b) => perMinute(b.byStatus[status] ?? 0)),
      })),
    );
    plot(
      boxes.channel,
      'Messages per minute, by channel',
      'msg/min',
      channelIds.map((id) => ({
        label: nameOf(id),
        values: traffic.buckets.map((b) => perMinute(b.byChannel[id] ?? 0)),
      })),
    );
    plot(
      boxes.rate,
      'Delivery rate',
      '%',
      [
        {
          label: 'delivered / (delivered + failed)',
          values: traffic.buckets.map((b) =>
            b.delivered + b.failed > 0 ? (100 * b.delivered) / (b.delivered + b.failed) : null,
          ),
        },
      ],
      [0, 100],
    );
    plot(
      boxes.latency,
      'Delivery latency (created → delivered)',
      'seconds',
      (['p50', 'p90', 'p99'] as const).map((p) => ({
        label: p,
        values: traffic.buckets.map((b) => (b.latencyMs ? b.latencyMs[p] / 1_000 : null)),
      })),
    );
  };
  window_.addEventListener('change', () => void draw());
  replace(
    container,
    h(
      'div',
      { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 't-window' }, 'Window'), window_),
    ),
    body,
  );
  await draw();
  const timer = window.setInterval(() => void draw().catch(() => undefined), REFRESH_MS);
  return () => {
    window.clearInterval(timer);
    for (const chart of charts) chart.destroy();
  };
}
