import { Topics } from '@smsgate/contracts';
import { countPublished, messagesTotal } from './message-metrics';

type Labels = Partial<Record<'direction' | 'status' | 'channel_type', string>>;

const count = async (labels: Labels): Promise<number> =>
  (await messagesTotal.get()).values
    .filter((value) =>
      (Object.keys(labels) as (keyof Labels)[]).every((name) => value.labels[name] === labels[name]),
    )
    .reduce((sum, value) => sum + value.value, 0);

describe('countPublished', () => {
  beforeEach(() => messagesTotal.reset());

  it('counts requests, inbound messages by their channel type, and statuses once per message', async () => {
    countPublished(Topics.outboundRequested, {});
    countPublished(Topics.inboundReceived, { channelType: 'smpp' });
    countPublished(Topics.outboundStatus, { status: 'sent' }, 'smpp');
    countPublished(Topics.outboundStatus, { status: 'sent', part: { index: 0, count: 2 } }, 'smpp');
    countPublished(Topics.outboundStatus, { status: 'sent', part: { index: 1, count: 2 } }, 'smpp');
    countPublished(Topics.outboundStatus, { status: 'failed' });

    expect(await count({ direction: 'outbound', status: 'requested', channel_type: 'none' })).toBe(1);
    expect(await count({ direction: 'inbound', status: 'received', channel_type: 'smpp' })).toBe(1);
    expect(await count({ direction: 'outbound', status: 'sent', channel_type: 'smpp' })).toBe(2);
    expect(await count({ direction: 'outbound', status: 'failed', channel_type: 'unknown' })).toBe(1);
  });

  it('counts nothing for other topics', async () => {
    countPublished(Topics.messageStatusChanged, { status: 'delivered' }, 'smpp');
    expect(await count({})).toBe(0);
  });
});
