/**
 * What every SMSC protocol client (SMPP, UCP/EMI, CIMD2) gives the pool of a channel's connections:
 * one connection that logs in, keeps a window of submits and answers the SMSC's requests itself.
 */
export interface LinkSession<Request> {
  readonly isOpen: boolean;
  /** Submits awaiting their answer. */
  readonly outstanding: number;
  readonly hasFreeWindow: boolean;
  /** Resolves with the reason once the connection is gone. */
  readonly closed: Promise<string>;
  /**
   * Sends one submit and resolves with the SMSC's answer. Rejects with LinkRetryableError when the
   * connection dropped or the answer timed out (the SMSC may or may not have it: the caller decides).
   */
  submit(request: Request): Promise<LinkAnswer>;
  /** Logs out / unbinds, after the SMSC's requests in progress are answered. */
  close(): Promise<void>;
}

/** The SMSC's answer to a submit, in the pool's terms. */
export type LinkAnswer =
  | { kind: 'accepted'; messageId: string }
  /** Refused for good (the protocol's error code and its name). */
  | { kind: 'refused'; code: number; name: string }
  /** Over the SMSC's rate or queue: sent again after a pause. */
  | { kind: 'throttled'; name: string };

/** The SMSC refused the login (wrong credentials, not allowed): retrying only gets an account locked. */
export class LinkRejectedError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message = `login rejected: ${codeName}`,
  ) {
    super(message);
    this.name = 'LinkRejectedError';
  }
}

/** The connection ended or an answer timed out: the submit may be sent again on another link. */
export class LinkRetryableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LinkRetryableError';
  }
}

/** The pool cannot submit: stopped, login rejected, or no link came up before the deadline. */
export class BindsUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BindsUnavailableError';
  }
}
