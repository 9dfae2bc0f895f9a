import { isForward, toExCallback, toGatewayStatus, toRapidProStatus } from './statuses';

describe('status mapping', () => {
  it.each([
    ['accepted', 'queued', 'PENDING', undefined],
    ['queued', 'queued', 'PENDING', undefined],
    ['wired', 'wired', 'PENDING', undefined],
    ['errored', 'errored', 'PENDING', undefined],
    ['sent', 'sent', 'SENT', 'sent'],
    ['delivered', 'delivered', 'DELIVERED', 'delivered'],
    ['failed', 'failed', 'FAILED', 'failed'],
    ['expired', 'failed', 'FAILED', 'failed'],
    ['rejected', 'failed', 'FAILED', 'failed'],
    ['no_route', 'failed', 'FAILED', 'failed'],
    ['unknown', 'sent', 'SENT', 'sent'],
  ])('%s is RapidPro %s, medic-gateway %s, External API callback %s', (ours, rapidpro, gateway, callback) => {
    expect(toRapidProStatus(ours)).toBe(rapidpro);
    expect(toGatewayStatus(ours)).toBe(gateway);
    expect(toExCallback(ours)).toBe(callback);
  });

  it('only moves forward', () => {
    expect(isForward('accepted', 'wired')).toBe(true);
    expect(isForward('wired', 'delivered')).toBe(true);
    expect(isForward('errored', 'wired')).toBe(true);
    expect(isForward('delivered', 'sent')).toBe(false);
    expect(isForward('sent', 'wired')).toBe(false);
    expect(isForward('sent', 'sent')).toBe(false);
    expect(isForward('unknown', 'delivered')).toBe(true);
    expect(isForward('unknown', 'failed')).toBe(true);
  });
});
