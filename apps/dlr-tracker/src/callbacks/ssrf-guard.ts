import { BlockList, isIP } from 'node:net';

/** Addresses a callback must not reach unless allow-listed: the gateway's own networks. */
const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(network, prefix, 'ipv6');

export const isInternalAddress = (address: string): boolean => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 4) return internal.check(address, 'ipv4');
  if (family === 6) return internal.check(address, 'ipv6');
  return true;
};

/** Allow-list entries: host names, addresses, or IPv4 CIDRs (`10.0.0.0/8`). */
export class CallbackAllowList {
  private readonly hosts = new Set<string>();
  private readonly networks = new BlockList();

  constructor(entries: string[]) {
    for (const entry of entries) {
      const [network, prefix] = entry.split('/');
      if (prefix !== undefined && isIP(network)) {
        this.networks.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4');
      } else this.hosts.add(entry.toLowerCase().replace(/^\[|\]$/g, ''));
    }
  }

  /** Whether `address` (resolved from `host`) may be called. */
  permits(host: string, address: string): boolean {
    if (!isInternalAddress(address)) return true;
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return (
      this.hosts.has(host.toLowerCase().replace(/^\[|\]$/g, '')) ||
      this.hosts.has(address) ||
      this.networks.check(address, family)
    );
  }
}
