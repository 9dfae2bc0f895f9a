import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as its bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** Parses an IPv4 or IPv6 literal (brackets and an IPv6 zone id are accepted); null for anything else. */
export function parseIp(text: string): IpAddress | null {
  const literal = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(literal)) return { family: 4, bytes: Uint8Array.from(literal.split('.').map(Number)) };
  if (!isIPv6(literal)) return null;
  const bytes = ipv6Bytes(literal.replace(/%.*$/, ''));
  return bytes ? { family: 6, bytes } : null;
}

function ipv6Bytes(text: string): Uint8Array | null {
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes its two hex groups.
  const dotted = /:(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  const body = dotted
    ? `${text.slice(0, dotted.index + 1)}${hexGroup(dotted[1], dotted[2])}:${hexGroup(dotted[3], dotted[4])}`
    : text;
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string | undefined): number[] =>
    part ? part.split(':').map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? parseInt(group, 16) : NaN)) : [];
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  if (all.some((group) => Number.isNaN(group))) return null;
  return Uint8Array.from(all.flatMap((group) => [group >> 8, group & 0xff]));
}

function hexGroup(high: string | undefined, low: string | undefined): string {
  return ((Number(high) << 8) | Number(low)).toString(16);
}

/** Parses `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128). Throws for anything else. */
export function parseCidr(text: string): Cidr {
  const [addressText = '', prefixText, extra] = text.trim().split('/');
  const address = parseIp(addressText);
  const max = address?.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!address || extra !== undefined || !/^\d{1,3}$/.test(prefixText ?? '0') || prefix > max) {
    throw new TypeError(`not an IP address or CIDR block: ${JSON.stringify(text)}`);
  }
  return { family: address.family, bytes: address.bytes, prefix };
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.family !== address.family) return false;
  const whole = Math.floor(cidr.prefix / 8);
  for (let index = 0; index < whole; index += 1) {
    if (cidr.bytes[index] !== address.bytes[index]) return false;
  }
  const bits = cidr.prefix % 8;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return ((cidr.bytes[whole] ?? 0) & mask) === ((address.bytes[whole] ?? 0) & mask);
}

const rangesOf = (entries: ReadonlyArray<readonly [string, AddressClass]>) =>
  entries.map(([cidr, addressClass]) => [parseCidr(cidr), addressClass] as const);

// Most specific first: the first block that contains the address decides.
const IPV4_RANGES = rangesOf([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6_RANGES = rangesOf([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'],
  ['100::/64', 'reserved'],
  ['2001::/23', 'reserved'],
  ['2001:db8::/32', 'reserved'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'],
  ['ff00::/8', 'multicast'],
]);

// IPv6 forms that carry an IPv4 address, and where it sits: the IPv4 address decides.
const EMBEDDED_IPV4 = [
  { block: parseCidr('::ffff:0:0/96'), offset: 12 }, // IPv4-mapped
  { block: parseCidr('64:ff9b::/96'), offset: 12 }, // NAT64 well-known prefix
  { block: parseCidr('2002::/16'), offset: 2 }, // 6to4
];
const GLOBAL_UNICAST = parseCidr('2000::/3');

export function classifyAddress(address: IpAddress): AddressClass {
  if (address.family === 4) {
    return IPV4_RANGES.find(([cidr]) => cidrContains(cidr, address))?.[1] ?? 'public';
  }
  for (const { block, offset } of EMBEDDED_IPV4) {
    if (cidrContains(block, address)) {
      return classifyAddress({ family: 4, bytes: address.bytes.slice(offset, offset + 4) });
    }
  }
  const known = IPV6_RANGES.find(([cidr]) => cidrContains(cidr, address))?.[1];
  if (known) return known;
  // Everything outside 2000::/3 is unassigned or special-purpose (including the deprecated ::/96).
  return cidrContains(GLOBAL_UNICAST, address) ? 'public' : 'reserved';
}
