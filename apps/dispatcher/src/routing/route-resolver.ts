import { Inject, Injectable } from '@nestjs/common';
import { RouteRule, RoutesRepository } from '@smsgate/db';
import { countryOf } from '@smsgate/sms';
import { DISPATCHER_CONFIG, DispatcherConfig } from '../config';
import { TtlCache } from '@smsgate/runtime';

export type { RouteRule };

/**
 * Picks a workspace's rule for a destination: the longest matching prefix, else the destination's
 * country, else the default rule (neither prefix nor country). Returns its channels in failover order.
 */
export function chooseRoute(rules: RouteRule[], to: string, country: string | undefined): string[] {
  const byPrefix = rules
    .filter((rule) => rule.prefix && to.startsWith(rule.prefix))
    .sort((a, b) => (b.prefix?.length ?? 0) - (a.prefix?.length ?? 0))[0];
  const byCountry = country ? rules.find((rule) => !rule.prefix && rule.country === country) : undefined;
  const fallback = rules.find((rule) => !rule.prefix && !rule.country);
  return (byPrefix ?? byCountry ?? fallback)?.channels ?? [];
}

@Injectable()
export class RouteResolver {
  private readonly cache: TtlCache<string, RouteRule[]>;

  constructor(
    private readonly routes: RoutesRepository,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
  ) {
    this.cache = new TtlCache(config.CONFIG_CACHE_MS, 10_000);
  }

  async channelsFor(workspace: string, to: string): Promise<string[]> {
    return chooseRoute(await this.rules(workspace), to, countryOf(to));
  }

  private async rules(workspace: string): Promise<RouteRule[]> {
    return this.cache.get(workspace, () => this.routes.rulesOf(workspace));
  }
}
