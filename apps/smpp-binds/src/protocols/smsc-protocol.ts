import type { ChannelType, MessageStatus, SmppSubmitRequestedV1 } from '@smsgate/contracts';
import type { LinkPool } from '@smsgate/smsc';

/** The SMSC protocols smpp-binds holds connections for: a channel type each. */
export type SmscType = Extract<ChannelType, 'smpp' | 'ucp' | 'cimd2'>;

/** An SMSC channel as smpp-binds reads it, whatever its protocol. */
export interface SmscChannel {
  id: string;
  workspaceId: string;
  name: string;
  type: SmscType;
  address: string | null;
  enabled: boolean;
  /** The protocol's parsed settings; undefined when the stored config no longer parses. */
  settings?: unknown;
  problems?: string[];
  password: string;
  /** Changes whenever config or secrets change: connections are re-opened with the new settings. */
  version: string;
}

/** What an SMSC sent, decoded by its protocol. */
export type SmscInbound =
  | {
      kind: 'receipt';
      /** The SMSC's id of the part, in the form submits were recorded under (see `providerId`). */
      providerMessageId: string;
      status: MessageStatus;
      /** The SMSC's own words (stat, err, dates…), kept in the status detail. */
      detail: Record<string, string | number>;
      /** When the SMSC says it happened (ISO 8601), if it says. */
      doneAt?: string;
    }
  | {
      kind: 'mo';
      from: string;
      to: string;
      text: string;
      /** One part of a concatenated message. */
      concatenation?: { reference: number; total: number; sequence: number };
    }
  /** Nothing to publish; `verdict` is the answer it gets. */
  | { kind: 'unusable'; reason: string; verdict: InboundVerdict };

/**
 * How smpp-binds took an inbound request, for its protocol to answer: `accepted` once the event is
 * durable; `retry` (temporary: the SMSC sends it again); `refused` (permanent: sending it again cannot
 * help); `bad_source` (an MO without a usable sender).
 */
export type InboundVerdict = 'accepted' | 'retry' | 'refused' | 'bad_source';

/** What the channel's connections report to smpp-binds. */
export interface PoolHooks {
  /** An inbound request decoded; the protocol answers the SMSC with what the promise resolves to. */
  onInbound: (inbound: SmscInbound) => Promise<InboundVerdict>;
  /** The SMSC rejected the login: the pool stopped. */
  onBindFailed: (code: number, name: string) => void;
  onEvent: (event: string, detail: Record<string, unknown>) => void;
}

/** One part of a message, as its protocol submits it. */
export interface PartRequest<Request> {
  /** 0-based. */
  index: number;
  count: number;
  request: Request;
}

/**
 * One SMSC protocol in smpp-binds: how a channel's stored config and password become settings, its
 * connections, the submits of a message, and the id receipts are matched by. Registered in
 * `protocols/index.ts`; everything else in smpp-binds is the same for every protocol.
 */
export interface SmscProtocol<Request = unknown> {
  type: SmscType;
  /** Settings from the stored config and the decrypted password, or the problems that stop a bind. */
  settingsOf(
    config: unknown,
    password: string,
  ): { ok: true; value: unknown } | { ok: false; problems: string[] };
  /** The channel's connections (not started). */
  openPool(channel: SmscChannel, hooks: PoolHooks): LinkPool<Request>;
  /** For logs: where and how many connections, never the password. */
  describe(channel: SmscChannel): string;
  /** The message's parts (the same on every replay: the concatenation reference comes from its id). */
  requests(channel: SmscChannel, message: SmppSubmitRequestedV1): PartRequest<Request>[];
  /** The `failed` status detail of a part the SMSC refused (its error code and the code's name). */
  refusal(code: number, name: string): Record<string, string | number>;
  /** A submit answer's message id as receipts are matched to it (dlr-tracker's provider id). */
  providerId(channel: SmscChannel, smscMessageId: string): string;
}
