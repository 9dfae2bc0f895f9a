import { promqlReferences } from './promql-references';

describe('promqlReferences', () => {
  it('finds metric names and labels, not functions, keywords, strings or durations', () => {
    const expr = `sum by (channel_type) (rate(smsgate_messages_total{direction="outbound",status=~"a|b"}[$__rate_interval]))
      / on (channel_type) group_left sum without (instance) (increase(other_total{x!="and"}[5m] offset 1h)) > bool 0.05
      unless histogram_quantile(0.95, sum by (le) (rate(h_seconds_bucket[1m]))) or up == 0`;
    expect(promqlReferences(expr)).toEqual({
      metrics: ['h_seconds_bucket', 'other_total', 'smsgate_messages_total', 'up'],
      labels: ['channel_type', 'direction', 'instance', 'le', 'status', 'x'],
    });
  });

  it('reads bare selectors and recording-rule names', () => {
    expect(promqlReferences('max(nodejs_eventloop_lag_p99_seconds) > 0.5')).toEqual({
      metrics: ['nodejs_eventloop_lag_p99_seconds'],
      labels: [],
    });
    expect(promqlReferences('a:b:rate5m{job="x"}').metrics).toEqual(['a:b:rate5m']);
  });
});
