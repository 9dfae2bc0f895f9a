import type { BindMode } from '@smsgate/smpp';
import type { SmppAccount } from './ports';
import type { SmppServerSession } from './server-session';

/** A bound session as the registry lists it (for the admin API and metrics). */
export interface BoundSession {
  sessionId: string;
  accountId: string;
  systemId: string;
  mode: BindMode;
  remoteAddress: string;
  boundAt: Date;
}

/** The binds open in this process, per account: reserves a place for a bind within `maxBinds`. */
export class SessionRegistry {
  private readonly byAccount = new Map<string, Map<string, BoundSession>>();
  /** The sessions themselves, by id (kept apart from BoundSession, which the admin API prints). */
  private readonly handles = new Map<string, SmppServerSession>();

  /**
   * Registers the bind unless the account already has `maxBinds`; false then (ESME_RBINDFAIL).
   * `handle`, the session itself, is what `receivers` hands out.
   */
  reserve(
    account: SmppAccount,
    session: Omit<BoundSession, 'accountId' | 'systemId' | 'boundAt'>,
    handle?: SmppServerSession,
  ): boolean {
    const sessions = this.byAccount.get(account.id) ?? new Map<string, BoundSession>();
    if (sessions.size >= account.maxBinds) return false;
    if (handle) this.handles.set(session.sessionId, handle);
    sessions.set(session.sessionId, {
      ...session,
      accountId: account.id,
      systemId: account.systemId,
      boundAt: new Date(),
    });
    this.byAccount.set(account.id, sessions);
    return true;
  }

  /** Frees the session's place; true when it was the account's last. */
  release(accountId: string, sessionId: string): boolean {
    const sessions = this.byAccount.get(accountId);
    this.handles.delete(sessionId);
    if (!sessions?.delete(sessionId)) return false;
    if (sessions.size > 0) return false;
    this.byAccount.delete(accountId);
    return true;
  }

  count(accountId: string): number {
    return this.byAccount.get(accountId)?.size ?? 0;
  }

  /** The account's sessions that take deliver_sm now: bound as receiver or transceiver, not draining. */
  receivers(accountId: string): SmppServerSession[] {
    return [...(this.byAccount.get(accountId)?.keys() ?? [])]
      .map((sessionId) => this.handles.get(sessionId))
      .filter((handle): handle is SmppServerSession => handle?.canDeliver === true);
  }

  list(): BoundSession[] {
    return [...this.byAccount.values()].flatMap((sessions) => [...sessions.values()]);
  }
}
