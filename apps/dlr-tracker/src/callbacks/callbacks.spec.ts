import { createHmac } from 'node:crypto';
import { callbackBody, CallbackChange, callsBack } from './callback-body';
import { signCallback, verifyCallback } from './signature';
import { CallbackAllowList, isInternalAddress } from './ssrf-guard';

describe('callback signature', () => {
  const secret = 'whsec_test';
  const body = '{"id":"1","status":"delivered"}';

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    expect(signCallback(secret, body, 1_700_000_000)).toBe(
      't=1700000000,v1=' + createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex'),
    );
  });

  it('verifies its own signature and refuses a changed body, another secret or an old timestamp', () => {
    const now = 1_700_000_000;
    const header = signCallback(secret, body, now);
    expect(verifyCallback(secret, body, header, now)).toBe(true);
    expect(verifyCallback(secret, body.replace('delivered', 'failed'), header, now)).toBe(false);
    expect(verifyCallback('other', body, header, now)).toBe(false);
    expect(verifyCallback(secret, body, header, now + 301)).toBe(false);
    expect(verifyCallback(secret, body, undefined, now)).toBe(false);
    expect(verifyCallback(secret, body, 't=abc,v1=00', now)).toBe(false);
  });
});

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '100.64.0.1',
  ])('treats %s as internal', (address) => {
    expect(isInternalAddress(address)).toBe(true);
    expect(new CallbackAllowList([]).permits('example.test', address)).toBe(false);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700::1111'])('lets %s through', (address) => {
    expect(new CallbackAllowList([]).permits('example.test', address)).toBe(true);
  });

  it('permits internal targets that are allow-listed by host, address or CIDR', () => {
    const allow = new CallbackAllowList(['127.0.0.1', 'hooks.internal', '10.0.0.0/8']);
    expect(allow.permits('localhost', '127.0.0.1')).toBe(true);
    expect(allow.permits('hooks.internal', '192.168.0.5')).toBe(true);
    expect(allow.permits('x.internal', '10.9.9.9')).toBe(true);
    expect(allow.permits('x.internal', '192.168.0.5')).toBe(false);
    expect(allow.permits('localhost', '::1')).toBe(false);
  });
});

describe('callback bodies', () => {
  const change: CallbackChange = {
    eventId: '0190a3c2-1111-7aaa-8bbb-000000000001',
    messageId: '0190a3c2-2222-7aaa-8bbb-000000000002',
    workspace: '0190a3c2-3333-7aaa-8bbb-000000000003',
    correlationId: 'order-7',
    callbackData: 'cb',
    to: '+254712345678',
    status: 'delivered',
    previousStatus: 'sent',
    detail: { source: 'receipt', stat: 'DELIVRD' },
    at: '2026-11-22T10:00:00.123Z',
  };

  it("are smsgate's own shape by default", () => {
    expect(JSON.parse(callbackBody('smsgate', change)!)).toEqual({
      eventId: change.eventId,
      id: change.messageId,
      workspace: change.workspace,
      correlationId: 'order-7',
      status: 'delivered',
      previousStatus: 'sent',
      detail: { source: 'receipt', stat: 'DELIVRD' },
      at: change.at,
      callbackData: 'cb',
    });
  });

  it("are IMIconnect's deliveryInfoNotification with its codes for IMIconnect-API messages", () => {
    expect(JSON.parse(callbackBody('imiconnect', change)!)).toEqual({
      deliveryInfoNotification: {
        deliveryInfo: {
          deliveryChannel: 'SMS',
          Description: 'Delivered',
          destinationType: 'msisdn',
          timeStamp: '2026-11-22T10:00:00.123',
          code: '7500',
          deliveryStatus: 'Delivered',
          destination: '254712345678',
        },
        correlationid: 'order-7',
        callbackData: 'cb',
        transid: change.messageId,
      },
    });
    expect(JSON.parse(callbackBody('imiconnect', { ...change, status: 'expired' })!)).toMatchObject({
      deliveryInfoNotification: { deliveryInfo: { code: '7208', deliveryStatus: 'Un-Delivered' } },
    });
    expect(JSON.parse(callbackBody('imiconnect', { ...change, status: 'sent' })!)).toMatchObject({
      deliveryInfoNotification: { deliveryInfo: { code: '7501', deliveryStatus: 'Submitted' } },
    });
  });

  it('report unknown (the receipt timeout) as 7208 to IMIconnect receivers, its nearest code, and as itself otherwise', () => {
    const unknown = { ...change, status: 'unknown' as const, detail: { reason: 'no final report' } };
    expect(JSON.parse(callbackBody('imiconnect', unknown)!)).toMatchObject({
      deliveryInfoNotification: { deliveryInfo: { code: '7208', deliveryStatus: 'Un-Delivered' } },
    });
    expect(JSON.parse(callbackBody('smsgate', unknown)!)).toMatchObject({
      status: 'unknown',
      previousStatus: 'sent',
    });
  });

  it('leaves out the states IMIconnect does not report', () => {
    expect(callbackBody('imiconnect', { ...change, status: 'queued' })).toBeUndefined();
    expect(callbackBody('imiconnect', { ...change, status: 'accepted' })).toBeUndefined();
  });
});

describe('notifyOn', () => {
  it('calls back every status without a list, and only the listed ones with one', () => {
    expect(callsBack(null, 'sent')).toBe(true);
    expect(callsBack(undefined, 'accepted')).toBe(true);
    expect(callsBack(['delivered', 'failed'], 'delivered')).toBe(true);
    expect(callsBack(['delivered', 'failed'], 'sent')).toBe(false);
    expect(callsBack(['delivered'], 'failed')).toBe(false);
  });
});
