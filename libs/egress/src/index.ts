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
export {
  HttpTransportError,
  NodeHttpClient,
  type HttpClient,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type NodeHttpClientOptions,
  type TransportFailure,
} from './http-client';
