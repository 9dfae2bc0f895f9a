import { Counter, Gauge } from 'prom-client';

export const bindsRefused = new Counter({
  name: 'smsgate_smpp_server_binds_refused_total',
  help: 'Binds refused by the account check, by reason (unknown_system_id, wrong_password, disabled, mode_not_allowed, too_many_failures)',
  labelNames: ['reason'],
});

export const submitsTotal = new Counter({
  name: 'smsgate_smpp_server_submits_total',
  help: 'submit_sm / data_sm from ESMEs, by account (system_id) and result (accepted, repeated, failed, or the refusal)',
  labelNames: ['account', 'result'],
});

export const deliveriesTotal = new Counter({
  name: 'smsgate_smpp_server_deliveries_total',
  help: 'deliver_sm to ESMEs by kind (receipt, mo) and result (delivered; failed: refused for good; retried; expired: no receiver took it in time)',
  labelNames: ['kind', 'result'],
});

let collectBinds: (() => void) | undefined;

/** The bind gauge is filled from the session registry when /metrics is scraped. */
export function onBindsScrape(collect: () => void): void {
  collectBinds = collect;
}

export const bindsGauge = new Gauge({
  name: 'smsgate_smpp_server_binds',
  help: 'ESME binds open on this replica, by account (system_id) and mode',
  labelNames: ['account', 'mode'],
  collect: () => collectBinds?.(),
});
