import type { ChtApiStatus } from '@smsgate/db';
import { Counter } from 'prom-client';
import type { Exchange } from '../http/relay-http';
import type { ChtTarget } from '../settings/relay-settings';

export type ChtApiVersion = 'v1' | 'v2';

export const chtPathNotFound = new Counter({
  name: 'smsgate_cht_relay_cht_path_not_found_total',
  help:
    "CHT's 404s on its RapidPro webhook path, by API version and what followed: fell-back (the other " +
    "version's path worked), retry (no path worked: the message waits; check the target's url and apiVersion)",
  labelNames: ['version', 'outcome'],
});

/**
 * The webhook paths to try, in order. An operator's apiVersion is the only one; `auto` tries the one it
 * found before (v2 at first), then the other on a 404, and gives v2 another chance every `reprobeMs`
 * after falling back to v1, for a CHT upgraded since.
 */
export function chtPathsToTry(
  target: Pick<ChtTarget, 'apiVersion' | 'detectedApiVersion' | 'apiCheckedAt'>,
  now: number,
  reprobeMs: number,
): ChtApiVersion[] {
  if (target.apiVersion !== 'auto') return [target.apiVersion];
  const checkedAt = target.apiCheckedAt?.getTime() ?? 0;
  return target.detectedApiVersion === 'v1' && now - checkedAt < reprobeMs ? ['v1', 'v2'] : ['v2', 'v1'];
}

/** CHT answers 404 on a webhook path it does not serve; any other answer means the path is there. */
export const isPathNotFound = (exchange: Exchange): boolean =>
  exchange.ok && exchange.response.status === 404;

/**
 * What to record of a try, or undefined when nothing changed: the version that answered (when `auto`
 * found one) and the status; a fallback or a probe also moves the check time on.
 */
export function apiStatusChange(
  target: Pick<ChtTarget, 'apiVersion' | 'detectedApiVersion' | 'apiStatus'>,
  tried: ChtApiVersion[],
  answered: ChtApiVersion | undefined,
): { detected: ChtApiVersion | null; status: ChtApiStatus } | undefined {
  const status: ChtApiStatus = answered ? 'ok' : 'path-not-found';
  const detected = target.apiVersion === 'auto' && answered ? answered : null;
  // A fallback that worked moves the check time on, so the next probe of v2 waits its turn.
  const probed = tried.length > 1 && answered !== undefined;
  const changed =
    status !== target.apiStatus || (detected !== null && detected !== target.detectedApiVersion);
  return changed || probed ? { detected, status } : undefined;
}
