import type { BindMode } from '@smsgate/smpp';

/** An SMPP account as a bound session needs it (the admin API manages the rest). */
export interface SmppAccount {
  id: string;
  workspaceId: string;
  systemId: string;
  /**
   * Binds open at once; one more is refused with ESME_RBINDFAIL. Counted across this process's
   * sessions, and across every replica when the server has a BindLedger.
   */
  maxBinds: number;
  /**
   * submit_sm / data_sm per second, shared by the account's sessions (each replica takes the share
   * AccountThrottle.share gives it); null: no limit.
   */
  tps: number | null;
  /** Source addresses / sender ids it may submit from; empty: any. */
  allowedSources: readonly string[];
  /** The default channel; null: the workspace's routes decide. */
  channelId: string | null;
}

export type Authentication = { ok: true; account: SmppAccount } | { ok: false; status: number };

/**
 * Checks a bind's credentials. Answers ESME_RINVSYSID for an unknown system_id, ESME_RINVPASWD for a
 * wrong password, ESME_RBINDFAIL for a disabled account or a bind mode it may not use.
 */
export interface AccountDirectory {
  authenticate(
    systemId: string,
    password: string,
    mode: BindMode,
    remoteAddress: string,
  ): Promise<Authentication>;
}

/**
 * Binds across the processes serving one SMPP address: a bind this process accepted is claimed there,
 * and refused (ESME_RBINDFAIL) when the account already has maxBinds elsewhere. `claim` rejecting is
 * answered ESME_RSYSERR. `release` is told when the session ends; it must not throw.
 */
export interface BindLedger {
  claim(
    account: SmppAccount,
    bind: { sessionId: string; mode: BindMode; remoteAddress: string },
  ): Promise<boolean>;
  release(accountId: string, sessionId: string): void;
}

/** How the parts of a concatenated message said which part they are. */
export interface Concatenation {
  scheme: 'udh8' | 'udh16' | 'sar';
  reference: number;
  total: number;
  /** 1-based. */
  sequence: number;
}

/** One validated submit_sm or data_sm, decoded, as the sink gets it. */
export interface SubmitRequest {
  account: SmppAccount;
  sessionId: string;
  command: 'submit_sm' | 'data_sm';
  /** The PDU's sequence_number (a resend by the client may repeat it). */
  sequence: number;
  /** E.164 (`+` and digits) or a short code. */
  to: string;
  /** As the ESME wrote it (`+` added to international numbers); absent when source_addr was empty. */
  from?: string;
  /** The user data decoded (user data header stripped). */
  text: string;
  dataCoding: number;
  registeredDelivery: number;
  serviceType: string;
  /** Present on one part of a concatenated message; `text` is then that part's text only. */
  concatenation?: Concatenation;
  /** SMPP time strings as sent (submit_sm only; '' when absent). */
  scheduleDeliveryTime: string;
  validityPeriod: string;
  /** validity_period read: the message expires then (not delivered after it). */
  expiresAt?: Date;
  userMessageReference?: number;
}

/**
 * Where accepted submits go. `ok: true` only once the message is durable (published with acks=-1);
 * the session then answers with `messageId` (at most 64 characters). `ok: false` carries the status
 * to answer (ESME_RTHROTTLED, ESME_RSYSERR…); a rejected promise is answered ESME_RSYSERR.
 */
export interface SubmitSink {
  accept(submit: SubmitRequest): Promise<{ ok: true; messageId: string } | { ok: false; status: number }>;
}
