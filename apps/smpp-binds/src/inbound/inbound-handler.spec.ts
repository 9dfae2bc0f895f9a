import { EventPublisher } from '@smsgate/kafka';
import { shortMessage, Status } from '@smsgate/smpp';
import type { SmppChannel } from '../channels/smpp-channels';
import { InboundHandler } from './inbound-handler';
import { MoReassembly } from './mo-reassembly';

const channel: SmppChannel = {
  id: '01a20000-0000-7000-8000-000000000001',
  workspaceId: '01a20000-0000-7000-8000-000000000002',
  name: 'unit',
  address: '22000',
  enabled: true,
  password: 'p',
  version: 'v',
};

const mo = shortMessage('deliver_sm', {
  source: { ton: 1, npi: 1, addr: '254712345678' },
  destination: { ton: 0, npi: 0, addr: '22000' },
  shortMessage: Buffer.from('hi'),
});

/** The publisher is the boundary here: what matters is the answer given when it fails or succeeds. */
const handlerWith = (publish: () => Promise<void>) =>
  new InboundHandler({ publish } as unknown as EventPublisher, {} as MoReassembly);

describe('InboundHandler answers', () => {
  it('ESME_RX_T_APPN when Kafka did not acknowledge the event, so the SMSC delivers it again', async () => {
    const handler = handlerWith(() => Promise.reject(new Error('Kafka publish timed out')));
    await expect(handler.handle(channel, mo)).resolves.toEqual({ status: Status.ESME_RX_T_APPN });
  });

  it('ESME_ROK only once Kafka acknowledged', async () => {
    let acknowledge!: () => void;
    const handler = handlerWith(() => new Promise<void>((resolve) => (acknowledge = resolve)));
    let answered = false;
    const answer = handler.handle(channel, mo).then((result) => {
      answered = true;
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    acknowledge();
    await expect(answer).resolves.toEqual({ status: Status.ESME_ROK });
  });

  it('ESME_RINVSRCADR for an MO without a sender (it could never be published)', async () => {
    const handler = handlerWith(() => Promise.resolve());
    await expect(handler.handle(channel, { ...mo, source: { ton: 0, npi: 0, addr: '' } })).resolves.toEqual({
      status: Status.ESME_RINVSRCADR,
    });
  });
});
