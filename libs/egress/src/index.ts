export {
  EgressGuard,
  EgressRefusedError,
  assertPublicUrl,
  pinnedLookup,
  resolveAll,
  type CheckedUrl,
  type EgressGuardOptions,
  type EgressPolicy,
  type ResolvedAddress,
  type Resolver,
} from './egress-guard';
export {
  cidrContains,
  classifyAddress,
  parseCidr,
  parseIp,
  type AddressClass,
  type Cidr,
  type IpAddress,
} from './ip-address';
