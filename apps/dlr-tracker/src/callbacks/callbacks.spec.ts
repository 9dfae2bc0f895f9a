import { NodeHttpClient } from '@smsgate/egress';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { callbackBody, CallbackChange, callsBack } from './callback-body';
import { CallbackSender } from './callback-sender';
import { egressAllowOf } from './callback-worker';
import { signCallback, verifyCallback } from './signature';

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

describe('callback egress (the guard of libs/egress, as every service has it)', () => {
  const refused = { ok: false, retry: false, error: expect.stringMatching(/^refused: .*EGRESS_ALLOW\)$/) };
  const open = new CallbackSender(new NodeHttpClient(), 2_000);

  it.each([
    'http://127.0.0.1:9/x',
    'http://10.1.2.3/x',
    'http://172.16.0.1/x',
    'http://192.168.1.1/x',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/x',
    'http://0.0.0.0/x',
    'http://2130706433/x',
    'http://0177.0.0.1/x',
    'http://0x7f.1/x',
    'http://[::1]/x',
    'http://[::]/x',
    'http://[fe80::1]/x',
    'http://[fd00::1]/x',
    'http://[fec0::1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://[::ffff:7f00:1]/x',
    'http://[64:ff9b::7f00:1]/x',
    'http://[2002:7f00:1::]/x',
    'file:///etc/passwd',
  ])('refuses %s without connecting', async (url) => {
    expect(await open.send(url, '{}', {})).toEqual(refused);
  });

  it('reaches an internal receiver only when EGRESS_ALLOW lists it', async () => {
    let received = 0;
    const receiver = createServer((request, response) => {
      received += 1;
      request.resume();
      response.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const allowingLoopback = new NodeHttpClient({ egress: { allowHosts: ['127.0.0.1'] } });
    try {
      expect(await open.send(url, '{}', {})).toEqual(refused);
      expect(received).toBe(0);
      const allowed = new CallbackSender(allowingLoopback, 2_000);
      expect(await allowed.send(url, '{}', {})).toEqual({ ok: true, status: 200 });
      expect(received).toBe(1);
    } finally {
      allowingLoopback.close();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe('EGRESS_ALLOW and its former name', () => {
  it('reads CALLBACK_ALLOW_HOSTS too, with a warning to rename it, and warns of nothing without it', () => {
    const warn = jest.fn();
    expect(
      egressAllowOf({ EGRESS_ALLOW: ['a.internal'], CALLBACK_ALLOW_HOSTS: ['127.0.0.1'] }, { warn }),
    ).toEqual(['a.internal', '127.0.0.1']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('rename it'));
    warn.mockClear();
    expect(egressAllowOf({ EGRESS_ALLOW: ['a.internal'], CALLBACK_ALLOW_HOSTS: [] }, { warn })).toEqual([
      'a.internal',
    ]);
    expect(warn).not.toHaveBeenCalled();
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
