import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import {
  classifyAddress,
  cidrContains,
  parseCidr,
  parseIp,
  type AddressClass,
  type Cidr,
} from './ip-address';

export interface EgressPolicy {
  /**
   * Exact host names (case-insensitive) or IP addresses / CIDR blocks that may be reached even when
   * they are not public. An allowed host name is trusted whatever it resolves to.
   */
  allowHosts?: readonly string[];
  /**
   * Also allow private (RFC 1918, fc00::/7) and carrier-grade NAT addresses, e.g. for aggregators
   * reached over a VPN. Loopback, link-local (cloud metadata), multicast and the rest stay refused.
   */
  allowPrivate?: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface EgressGuardOptions extends EgressPolicy {
  /** How host names are resolved; `dns.lookup` with all addresses by default. */
  resolve?: Resolver;
}

/** A URL that passed the guard, with the addresses it may be connected to. */
export interface CheckedUrl {
  url: URL;
  /** The host without IPv6 brackets. */
  hostname: string;
  addresses: ResolvedAddress[];
}

/** The guard refused a destination. The message names the host and why, never the full URL. */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  constructor(
    message: string,
    readonly host: string,
  ) {
    super(message);
  }
}

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);
const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set(['private', 'cgnat']);

export const resolveAll: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * Checks outbound URLs against an egress policy. Build one per policy: the allow-list is parsed
 * (and a bad entry throws) once, here.
 */
export class EgressGuard {
  private readonly hosts: ReadonlySet<string>;
  private readonly blocks: readonly Cidr[];
  private readonly allowPrivate: boolean;
  private readonly resolve: Resolver;

  constructor(options: EgressGuardOptions = {}) {
    const entries = (options.allowHosts ?? []).map((entry) => entry.trim()).filter(Boolean);
    const hosts = new Set<string>();
    const blocks: Cidr[] = [];
    for (const entry of entries) {
      if (parseIp(entry.split('/')[0] ?? '') || entry.includes('/')) blocks.push(parseCidr(entry));
      else hosts.add(normalizeHost(entry));
    }
    this.hosts = hosts;
    this.blocks = blocks;
    this.allowPrivate = options.allowPrivate ?? false;
    this.resolve = options.resolve ?? resolveAll;
  }

  /**
   * Resolves the URL's host and returns the addresses it may be connected to; throws an
   * EgressRefusedError when the scheme is not http(s) or any address is not allowed. DNS errors
   * propagate unchanged (they may be transient; a refusal is not).
   */
  async check(input: string | URL): Promise<CheckedUrl> {
    const url = toUrl(input);
    const hostname = normalizeHost(url.hostname);
    const literal = parseIp(hostname);
    const addresses: ResolvedAddress[] = literal
      ? [{ address: hostname, family: literal.family }]
      : await this.resolve(hostname);
    if (addresses.length === 0) throw new EgressRefusedError(`${hostname} resolved to no address`, hostname);
    if (this.hosts.has(hostname)) return { url, hostname, addresses };
    for (const { address } of addresses) {
      const refusal = this.refusalOf(address);
      if (refusal) {
        throw new EgressRefusedError(
          literal ? `${hostname} is ${refusal}` : `${hostname} resolves to ${address}, ${refusal}`,
          hostname,
        );
      }
    }
    return { url, hostname, addresses };
  }

  /**
   * What can be said without DNS: the scheme, and whether an IP-literal host is allowed. For saving
   * a channel, where resolving would be slow and the answer may change anyway. Null when fine.
   */
  staticRefusal(input: string | URL): string | null {
    let url: URL;
    try {
      url = toUrl(input);
    } catch (error) {
      return error instanceof EgressRefusedError ? error.message : 'is not a valid URL';
    }
    const hostname = normalizeHost(url.hostname);
    if (this.hosts.has(hostname) || !parseIp(hostname)) return null;
    const refusal = this.refusalOf(hostname);
    return refusal ? `${hostname} is ${refusal}` : null;
  }

  /** Why the address may not be reached, or null if it may. */
  private refusalOf(text: string): string | null {
    const address = parseIp(text);
    if (!address) return 'not an IP address';
    if (this.blocks.some((block) => cidrContains(block, address))) return null;
    const addressClass = classifyAddress(address);
    if (addressClass === 'public') return null;
    if (this.allowPrivate && PRIVATE_CLASSES.has(addressClass)) return null;
    return `a ${addressClass} address (not allowed)`;
  }
}

/** One-off check; prefer an EgressGuard held for the policy when checking many URLs. */
export function assertPublicUrl(url: string | URL, options: EgressGuardOptions = {}): Promise<CheckedUrl> {
  return new EgressGuard(options).check(url);
}

/**
 * A `lookup` for net/http/https that answers only with the checked addresses, so the connection goes
 * to an address the guard approved rather than to whatever a second DNS query returns.
 */
export function pinnedLookup(checked: CheckedUrl): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
    const candidates = checked.addresses.filter(({ family }) => wanted === undefined || family === wanted);
    const first = candidates[0];
    if (!first) {
      const error: NodeJS.ErrnoException = new Error(`no checked IPv${wanted ?? ''} address`);
      error.code = 'ENOTFOUND';
      callback(error, '', undefined);
      return;
    }
    if (options.all) callback(null, candidates);
    else callback(null, first.address, first.family);
  };
}

function toUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input) : input;
  } catch {
    throw new EgressRefusedError('not a valid URL', '');
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    throw new EgressRefusedError(`scheme ${url.protocol} is not allowed (only http and https)`, url.hostname);
  }
  return url;
}

function normalizeHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}
