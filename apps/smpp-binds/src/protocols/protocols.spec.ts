import { parseCimd2Config, parseUcpConfig } from '@smsgate/channel-config';
import { Op, Param, submitParams, timestampOf } from '@smsgate/cimd2';
import { uuidv7 } from '@smsgate/contracts';
import { fieldsOf5x, read5x, readShortMessage, submitFields } from '@smsgate/ucp';
import { cimd2Protocol, cimdInbound } from './cimd2.protocol';
import type { SmscChannel } from './smsc-protocol';
import { recipientStampId as ucpMessageId } from './recipient-stamp';
import { ucpInbound, ucpProtocol } from './ucp.protocol';

const channel = (type: 'ucp' | 'cimd2', settings: unknown): SmscChannel => ({
  id: uuidv7(),
  workspaceId: uuidv7(),
  name: type,
  type,
  address: '22000',
  enabled: true,
  settings,
  password: 'p',
  version: '1',
});
const ucp = channel(
  'ucp',
  (parseUcpConfig({ host: 'h', port: 1, username: '7007' }) as { value: unknown }).value,
);
const cimd2 = channel(
  'cimd2',
  (parseCimd2Config({ host: 'h', port: 1, username: 'u' }) as { value: unknown }).value,
);
const message = (text: string, extra: Record<string, unknown> = {}) =>
  ({
    id: uuidv7(),
    workspace: ucp.workspaceId,
    channel: ucp.id,
    to: '+254711000001',
    text,
    priority: 'normal',
    ...extra,
  }) as never;

describe('the UCP protocol in smpp-binds', () => {
  it('submits one operation 51 per part: the recipient with 00, the channel address, a notification request', () => {
    const [part] = ucpProtocol.requests(ucp, message('Hello €'));
    const read = readShortMessage(read5x(fieldsOf5x(part.request)));
    expect(read).toMatchObject({ adc: '00254711000001', oadc: '22000', text: 'Hello €', nrq: true, nt: 3 });
    const long = ucpProtocol.requests(
      ucp,
      message('x'.repeat(200), { from: 'CLINIC', expiresAt: '2026-12-05T10:00:00Z' }),
    );
    expect(long.map((p) => [p.index, p.count])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(long[0].request).toMatchObject({ OTOA: '5039', VP: '0512261000' });
    expect(long[0].request.XSer).toMatch(/^0106050003/);
  });

  it('keeps provider ids as the recipient without 00 or + and the SCTS, in the ACK and the notification alike', () => {
    expect(ucpProtocol.providerId(ucp, '00254711000001:051226070809')).toBe('254711000001:051226070809');
    expect(ucpMessageId('+254711000001', '051226070809')).toBe('254711000001:051226070809');
    const receipt = ucpInbound(
      ucp,
      53,
      read5x(fieldsOf5x({ OAdC: '254711000001', SCTS: '051226070809', Dst: '2', Rsn: '107' })),
    );
    expect(receipt).toMatchObject({
      kind: 'receipt',
      providerMessageId: '254711000001:051226070809',
      status: 'failed',
      detail: { dst: 2, rsn: '107' },
    });
  });

  it('reads MOs: a 00 sender as international, UCS-2 by its DCS, parts by their UDH; unreadable ones refused', () => {
    const data = Buffer.from('Ответ', 'utf16le').swap16();
    const fields = submitFields({
      adc: '22000',
      oadc: '00254722000001',
      data,
      dcs: 8,
      udh: Buffer.from([5, 0, 3, 9, 2, 1]),
    });
    expect(ucpInbound(ucp, 52, read5x(fieldsOf5x(fields)))).toEqual({
      kind: 'mo',
      from: '+254722000001',
      to: '22000',
      text: 'Ответ',
      concatenation: { reference: 9, total: 2, sequence: 1 },
    });
    expect(ucpInbound(ucp, 52, read5x(fieldsOf5x({ MT: '9' })))).toMatchObject({
      kind: 'unusable',
      verdict: 'refused',
    });
  });
});

describe('the CIMD2 protocol in smpp-binds', () => {
  it('submits one operation 03 per part with status reports for every final outcome', () => {
    const [part] = cimd2Protocol.requests(cimd2, message('Hello @'));
    expect(part.request).toEqual(
      submitParams({
        destination: '+254711000001',
        originator: '22000',
        text: 'Hello @',
        statusReportRequest: 62,
      }),
    );
  });

  it('matches status reports by destination and time stamp, and maps their status codes', () => {
    const stamp = timestampOf(new Date('2026-12-05T07:08:09Z'));
    expect(cimd2Protocol.providerId(cimd2, `+254711000001:${stamp}`)).toBe(`254711000001:${stamp}`);
    const report = (status: number) =>
      cimdInbound(cimd2, {
        op: Op.DELIVER_STATUS_REPORT,
        seq: 2,
        params: [
          [Param.DESTINATION, '+254711000001'],
          [Param.TIMESTAMP, stamp],
          [Param.STATUS_CODE, String(status)],
        ],
      });
    expect(report(4)).toMatchObject({
      kind: 'receipt',
      providerMessageId: `254711000001:${stamp}`,
      status: 'delivered',
    });
    expect([1, 2, 3, 5, 6, 7, 8, 9].map((status) => (report(status) as { status: string }).status)).toEqual([
      'sent',
      'expired',
      'failed',
      'sent',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
  });

  it('reads MOs and refuses a packet it cannot read', () => {
    const mo = cimdInbound(cimd2, {
      op: Op.DELIVER_MESSAGE,
      seq: 4,
      params: [
        [Param.DESTINATION, '22000'],
        [Param.ORIGINATOR, '+254722000001'],
        [Param.USER_DATA, 'Hi _Oa 10'],
      ],
    });
    expect(mo).toEqual({ kind: 'mo', from: '+254722000001', to: '22000', text: 'Hi @ 10' });
    expect(
      cimdInbound(cimd2, { op: Op.DELIVER_MESSAGE, seq: 6, params: [[Param.DATA_CODING_SCHEME, 'x']] }),
    ).toMatchObject({ kind: 'unusable', verdict: 'refused' });
  });
});
