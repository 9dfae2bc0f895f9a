import { SessionRegistry } from './registry';
import { account } from './smpp-server.testing';

describe('SessionRegistry', () => {
  it('counts binds per account within maxBinds and frees them', () => {
    const registry = new SessionRegistry();
    const limited = account({ id: 'a', maxBinds: 2 });
    const bind = (sessionId: string) =>
      registry.reserve(limited, { sessionId, mode: 'transceiver', remoteAddress: '10.0.0.1' });
    expect([bind('s1'), bind('s2'), bind('s3')]).toEqual([true, true, false]);
    expect(registry.count('a')).toBe(2);
    expect(registry.release('a', 's1')).toBe(false);
    expect(bind('s3')).toBe(true);
    expect(registry.list().map((session) => session.sessionId)).toEqual(['s2', 's3']);
    registry.release('a', 's2');
    expect(registry.release('a', 's3')).toBe(true);
    expect(registry.release('a', 's3')).toBe(false);
    expect(registry.count('a')).toBe(0);
  });
});
