import type { BindMode } from '@smsgate/smpp';
import type { SmppAccount } from './ports';

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

  /** Registers the bind unless the account already has `maxBinds`; false then (ESME_RBINDFAIL). */
  reserve(account: SmppAccount, session: Omit<BoundSession, 'accountId' | 'systemId' | 'boundAt'>): boolean {
    const sessions = this.byAccount.get(account.id) ?? new Map<string, BoundSession>();
    if (sessions.size >= account.maxBinds) return false;
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
    if (!sessions?.delete(sessionId)) return false;
    if (sessions.size > 0) return false;
    this.byAccount.delete(accountId);
    return true;
  }

  count(accountId: string): number {
    return this.byAccount.get(accountId)?.size ?? 0;
  }

  list(): BoundSession[] {
    return [...this.byAccount.values()].flatMap((sessions) => [...sessions.values()]);
  }
}
