import { parsePayload, Topics } from '@smsgate/contracts';
import { gatewayOutbound } from './gateway-message';

const WORKSPACE = '0190a3c2-1111-7aaa-8bbb-000000000001';

describe('gatewayOutbound', () => {
  it('keeps a sendable message as it is', () => {
    expect(gatewayOutbound(WORKSPACE, { id: 'cht-1', to: '0712345678', content: 'habari' }, 'KE')).toEqual({
      workspaceId: WORKSPACE,
      source: 'gateway',
      to: '+254712345678',
      text: 'habari',
      externalRef: 'cht-1',
      failure: undefined,
    });
  });

  it.each([
    ['NUL in the text', { to: '+254712345678', content: 'in\u0000nul' }, 'in\ufffdnul'],
    ['a lone surrogate in the text', { to: '+254712345678', content: 'a\ud800' }, 'a\ufffd'],
    ['NUL in the number', { to: '+2547\u0000', content: 'hi' }, 'hi'],
  ])(
    'stores a message with %s failed, with storable text (the insert failed and the poll with it, forever)',
    (_case, fields, text) => {
      const row = gatewayOutbound(WORKSPACE, { id: 'cht-2', ...fields }, 'KE');
      expect(row.failure).toBe(
        'the message holds characters that cannot be stored (NUL or an unpaired surrogate)',
      );
      expect(row.text).toBe(text);
      expect(row.to).not.toContain('\u0000');
    },
  );

  it('stores a text longer than a send request carries failed, instead of publishing it (the contract refused it on every poll)', () => {
    const row = gatewayOutbound(
      WORKSPACE,
      { id: 'cht-3', to: '+254712345678', content: 'x'.repeat(10_001) },
      'KE',
    );
    expect(row.failure).toBe('longer than 10000 characters');
    expect(row.text).toHaveLength(10_000);
  });

  it('gives rows that are sent the contract accepts', () => {
    const row = gatewayOutbound(WORKSPACE, { id: 'cht-4', to: '+254712345678', content: '😀 ok' }, undefined);
    expect(row.failure).toBeUndefined();
    expect(
      parsePayload(Topics.outboundRequested, { workspace: WORKSPACE, to: row.to, text: row.text }).ok,
    ).toBe(true);
  });
});
