import { chooseRoute, RouteRule } from './route-resolver';

const rule = (
  channels: string[],
  prefix: string | null = null,
  country: string | null = null,
): RouteRule => ({
  prefix,
  country,
  channels,
});

describe('chooseRoute', () => {
  const rules = [
    rule(['default']),
    rule(['kenya'], null, 'KE'),
    rule(['safaricom-a', 'safaricom-b'], '+2547'),
    rule(['safaricom-special'], '+25472'),
    rule(['uganda'], null, 'UG'),
  ];

  it('prefers the longest matching prefix, keeping the failover order', () => {
    expect(chooseRoute(rules, '+254722000111', 'KE')).toEqual(['safaricom-special']);
    expect(chooseRoute(rules, '+254712000111', 'KE')).toEqual(['safaricom-a', 'safaricom-b']);
  });

  it('falls back to the country rule, then the default rule', () => {
    expect(chooseRoute(rules, '+254202000111', 'KE')).toEqual(['kenya']);
    expect(chooseRoute(rules, '+256772000111', 'UG')).toEqual(['uganda']);
    expect(chooseRoute(rules, '+447700900123', 'GB')).toEqual(['default']);
    expect(chooseRoute(rules, '12345', undefined)).toEqual(['default']);
  });

  it('finds no route without a matching or default rule', () => {
    expect(chooseRoute([rule(['kenya'], null, 'KE')], '+447700900123', 'GB')).toEqual([]);
    expect(chooseRoute([], '+254712000111', 'KE')).toEqual([]);
  });
});
