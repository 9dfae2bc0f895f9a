import type { SmppSubmitRequestedV1 } from '@smsgate/contracts';
import { buildParts, EsmClass, SubmitPart } from '@smsgate/smpp';
import { LinkEvents, LinkPool, LinkSession } from '@smsgate/smsc';
import { concatenationReference } from './concatenation-reference';
import type { PartRequest, PoolHooks } from './smsc-protocol';

/** The connection settings UCP and CIMD2 channels share (libs/channel-config's smscConnectionShape). */
export interface ConnectionSettings {
  host: string;
  port: number;
  tls: boolean;
  tls_verify: boolean;
  connections: number;
  window: number;
  response_timeout_seconds: number;
  tps?: number;
  reconnect_initial_seconds: number;
  reconnect_max_seconds: number;
}

/** Where and how one connection logs in: what UcpSession.open and CimdSession.open both take. */
export const linkAddress = (settings: ConnectionSettings, password: string) => ({
  host: settings.host,
  port: settings.port,
  tls: settings.tls ? { rejectUnauthorized: settings.tls_verify } : false,
  password,
  window: settings.window,
  responseTimeoutMs: settings.response_timeout_seconds * 1_000,
});

/** A channel's `connections` links of one protocol, each opened by `open`, in smpp-binds' LinkPool. */
export function connectionPool<Request>(
  name: string,
  settings: ConnectionSettings,
  hooks: PoolHooks,
  open: (onEvent: LinkEvents) => Promise<LinkSession<Request>>,
): LinkPool<Request, 'transceiver'> {
  return new LinkPool<Request, 'transceiver'>({
    slots: Array.from({ length: settings.connections }, (_, index) => ({
      id: `${name}-${index + 1}`,
      mode: 'transceiver' as const,
      transmits: true,
    })),
    window: settings.window,
    tps: settings.tps,
    reconnectInitialMs: settings.reconnect_initial_seconds * 1_000,
    reconnectMaxMs: settings.reconnect_max_seconds * 1_000,
    onBindFailed: hooks.onBindFailed,
    onEvent: hooks.onEvent,
    open: (_mode, onEvent) => open(onEvent),
  });
}

/** One part as the UCP and CIMD2 submits carry it: its user data header apart, GSM text or UCS-2 octets. */
export interface PartContent {
  udh?: Buffer;
  /** GSM text (the part's characters), or the UCS-2 octets. */
  content: { text: string } | { data: Buffer; dcs: 8 };
}

/**
 * A message's parts for a protocol that carries the user data header beside the text (UCP's XSer,
 * CIMD2's 032): GSM 7-bit where the text fits, else UCS-2; 8-bit concatenation references derived
 * from the message id (the same on every replay).
 */
export function headerParts<Request>(
  message: SmppSubmitRequestedV1,
  build: (part: PartContent) => Request,
): PartRequest<Request>[] {
  return buildParts(message.text, {
    preferred: 'gsm7',
    longMessage: 'udh8',
    reference: concatenationReference(message.id),
  }).map((part: SubmitPart) => {
    const udh =
      (part.esmClass & EsmClass.UDHI) !== 0
        ? part.shortMessage.subarray(0, part.shortMessage[0] + 1)
        : undefined;
    const content =
      part.dataCoding === 8
        ? { data: part.shortMessage.subarray(udh?.length ?? 0), dcs: 8 as const }
        : { text: part.text };
    return { index: part.index, count: part.count, request: build({ ...(udh ? { udh } : {}), content }) };
  });
}
