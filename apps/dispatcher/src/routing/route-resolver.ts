import { Inject, Injectable } from '@nestjs/common';
import { RouteEntity } from '@smsgate/db';
import { countryOf } from '@smsgate/sms';
import { DataSource } from 'typeorm';
import { DISPATCHER_CONFIG, DispatcherConfig } from '../config';

export type RouteRule = Pick<RouteEntity, 'prefix' | 'country' | 'channels'>;

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
  private readonly cache = new Map<string, { rules: RouteRule[]; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {}

  async channelsFor(workspace: string, to: string): Promise<string[]> {
    return chooseRoute(await this.rules(workspace), to, countryOf(to));
  }

  private async rules(workspace: string): Promise<RouteRule[]> {
    const cached = this.cache.get(workspace);
    if (cached && cached.until > Date.now()) return cached.rules;
    const rules = await this.dataSource.getRepository(RouteEntity).find({
      where: { workspaceId: workspace },
      select: { prefix: true, country: true, channels: true },
      order: { id: 'ASC' },
    });
    this.cache.set(workspace, { rules, until: Date.now() + this.config.CONFIG_CACHE_MS });
    return rules;
  }
}
