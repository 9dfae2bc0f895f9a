import { Counter, Gauge } from 'prom-client';

export const submitsTotal = new Counter({
  name: 'smsgate_smpp_submits_total',
  help: 'submit_sm answered by the SMSC, by channel and result (accepted, refused)',
  labelNames: ['channel', 'result'],
});

export const inboundTotal = new Counter({
  name: 'smsgate_smpp_inbound_total',
  help: 'deliver_sm / data_sm received, by channel, kind (receipt, mo, mo_part, invalid) and answer',
  labelNames: ['channel', 'kind', 'answer'],
});

let collectBinds: (() => void) | undefined;

/** Bind gauges are filled from the pools when /metrics is scraped. */
export function onBindMetricsScrape(collect: () => void): void {
  collectBinds = collect;
}

export const bindsGauge = new Gauge({
  name: 'smsgate_smpp_binds',
  help: 'Binds held by this replica, by channel and state',
  labelNames: ['channel', 'state'],
  collect: () => collectBinds?.(),
});

export const windowGauge = new Gauge({
  name: 'smsgate_smpp_window_in_use',
  help: 'submit_sm awaiting a response, by channel and bind',
  labelNames: ['channel', 'bind'],
});

export const submitRateGauge = new Gauge({
  name: 'smsgate_smpp_submit_rate',
  help: 'submit_sm per second over the last 10 seconds, by channel and bind',
  labelNames: ['channel', 'bind'],
});
