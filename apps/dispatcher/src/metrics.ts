import { Gauge } from 'prom-client';

let countPaused: () => number = () => 0;

/** The paused-channels gauge is read from the rate limiter when /metrics is scraped. */
export function onPausedChannelsScrape(count: () => number): void {
  countPaused = count;
}

export const pausedChannelsGauge = new Gauge({
  name: 'smsgate_dispatch_channels_paused',
  help: "HTTP channels this dispatcher holds paused after their provider's Retry-After (429, 503)",
  collect() {
    this.set(countPaused());
  },
});
