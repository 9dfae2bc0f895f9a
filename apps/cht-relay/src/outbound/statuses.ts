import type { MessageStatus } from '@smsgate/contracts';

/** RapidPro's message statuses, as CHT maps them (api/src/services/rapidpro.js). */
export type RapidProStatus = 'queued' | 'wired' | 'sent' | 'delivered' | 'errored' | 'failed';

export const toRapidProStatus = (status: string): RapidProStatus => {
  switch (status as MessageStatus) {
    case 'received':
    case 'accepted':
    case 'queued':
      return 'queued';
    case 'wired':
      return 'wired';
    // `unknown`: no final report within the channel's receipt timeout. It did go out, and RapidPro
    // has no "unknown"; `failed` would invite a resend of a message that may well have arrived.
    case 'sent':
    case 'unknown':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'errored':
      return 'errored';
    case 'failed':
    case 'expired':
    case 'rejected':
    case 'no_route':
      return 'failed';
  }
  return 'queued';
};

/** medic-gateway's states (CHT's sms-gateway controller): PENDING, SENT, DELIVERED, FAILED. */
export type GatewayStatus = 'PENDING' | 'SENT' | 'DELIVERED' | 'FAILED';

export const toGatewayStatus = (status: string): GatewayStatus => {
  switch (toRapidProStatus(status)) {
    case 'queued':
    case 'wired':
    case 'errored':
      return 'PENDING';
    case 'sent':
      return 'SENT';
    case 'delivered':
      return 'DELIVERED';
    case 'failed':
      return 'FAILED';
  }
};

/** The status callbacks a RapidPro External API channel takes: /c/ex/<uuid>/sent|delivered|failed. */
export type ExCallback = 'sent' | 'delivered' | 'failed';

export const toExCallback = (status: string): ExCallback | undefined => {
  const mapped = toRapidProStatus(status);
  return mapped === 'sent' || mapped === 'delivered' || mapped === 'failed' ? mapped : undefined;
};

const RANK: Record<string, number> = { queued: 0, wired: 1, errored: 1, sent: 2, delivered: 3, failed: 3 };

/** Forward-only: a late `sent` never overwrites `delivered` (Kafka retries can reorder). */
export const isForward = (current: string, next: string): boolean =>
  current !== next && RANK[toRapidProStatus(next)] >= RANK[toRapidProStatus(current)];

export const isFinal = (status: string): boolean => {
  const mapped = toRapidProStatus(status);
  return mapped === 'delivered' || mapped === 'failed';
};
