import {
  BindInfo as LinkInfo,
  LinkAnswer,
  LinkPool,
  LinkRejectedError,
  LinkRetryableError,
  LinkSession,
  LinkSlot,
} from '@smsgate/smsc';
import { Status, statusName } from './constants';
import type { ShortMessagePdu } from './pdu';
import {
  BindMode,
  BindRejectedError,
  InboundHandler,
  ResponseTimeoutError,
  SessionClosedError,
  SessionOptions,
  SmppSession,
} from './session';

export { BindsUnavailableError, type BindState, type SubmitResult } from '@smsgate/smsc';

export type PoolMode = 'transceiver' | 'transmitter_receiver';

export type BindInfo = LinkInfo<BindMode>;

export interface BindPoolOptions {
  /** Connection and bind settings shared by every bind of the channel. */
  session: Omit<SessionOptions, 'mode' | 'onInbound' | 'onEvent'>;
  mode: PoolMode;
  /** Transceivers, or transmitter+receiver pairs. */
  binds: number;
  /** Parts per second for the whole channel; undefined = no limit. */
  tps?: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  onInbound: InboundHandler;
  /** The pool gave up: the SMSC rejected the credentials. */
  onBindFailed?: (status: number) => void;
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
  random?: () => number;
}

/** A bind's slots: transceivers, or a transmitter and a receiver per pair. */
function slotsOf(mode: PoolMode, binds: number): LinkSlot<BindMode>[] {
  return Array.from({ length: binds }, (_, index): LinkSlot<BindMode>[] =>
    mode === 'transceiver'
      ? [{ id: `trx-${index + 1}`, mode: 'transceiver', transmits: true }]
      : [
          { id: `tx-${index + 1}`, mode: 'transmitter', transmits: true },
          { id: `rx-${index + 1}`, mode: 'receiver', transmits: false },
        ],
  ).flat();
}

/** An SMPP session as the pool sees a link: submit_sm answers and errors in the pool's terms. */
class SmppLink implements LinkSession<ShortMessagePdu> {
  constructor(private readonly session: SmppSession) {}

  get isOpen(): boolean {
    return this.session.isOpen;
  }

  get outstanding(): number {
    return this.session.outstanding;
  }

  get hasFreeWindow(): boolean {
    return this.session.hasFreeWindow;
  }

  get closed(): Promise<string> {
    return this.session.closed;
  }

  async submit(pdu: ShortMessagePdu): Promise<LinkAnswer> {
    let response;
    try {
      response = await this.session.submit(pdu);
    } catch (error) {
      if (error instanceof SessionClosedError || error instanceof ResponseTimeoutError)
        throw new LinkRetryableError(error.message);
      throw error;
    }
    if (response.status === Status.ESME_ROK) return { kind: 'accepted', messageId: response.messageId };
    if (response.status === Status.ESME_RTHROTTLED || response.status === Status.ESME_RMSGQFUL)
      return { kind: 'throttled', name: statusName(response.status) };
    return { kind: 'refused', code: response.status, name: statusName(response.status) };
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/**
 * The SMPP binds of one channel: a LinkPool (reconnects, pacing to `tps`, windows, retries on another
 * bind, a rejected bind stopping the pool) over SmppSessions, bound as transceivers or as transmitter
 * and receiver pairs. ESME_RTHROTTLED and ESME_RMSGQFUL slow a bind down; any other non-zero
 * submit_sm_resp status refuses the part.
 */
export class BindPool extends LinkPool<ShortMessagePdu, BindMode> {
  constructor(options: BindPoolOptions) {
    super({
      slots: slotsOf(options.mode, options.binds),
      window: options.session.window,
      tps: options.tps,
      reconnectInitialMs: options.reconnectInitialMs,
      reconnectMaxMs: options.reconnectMaxMs,
      onBindFailed: options.onBindFailed && ((code) => options.onBindFailed!(code)),
      onEvent: options.onEvent,
      random: options.random,
      open: async (mode, onEvent) => {
        try {
          return new SmppLink(
            await SmppSession.open({ ...options.session, mode, onInbound: options.onInbound, onEvent }),
          );
        } catch (error) {
          if (error instanceof BindRejectedError)
            throw new LinkRejectedError(error.status, statusName(error.status), error.message);
          throw error;
        }
      },
    });
  }
}
