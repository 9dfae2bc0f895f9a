import { RECEIPT_SOURCE, Topics } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import type { Kafka } from 'kafkajs';
import { canonicalSmppId, shortMessage, Status } from '@smsgate/smpp';
import type { SmscChannel } from '../channels/smsc-channels';
import { answerSmpp } from '../protocols/smpp.protocol';
import { SubmittedParts } from '../submit/submitted-parts';
import { InboundHandler } from './inbound-handler';
import { MoReassembly } from './mo-reassembly';

const channel: SmscChannel = {
  id: '01a20000-0000-7000-8000-000000000001',
  workspaceId: '01a20000-0000-7000-8000-000000000002',
  name: 'unit',
  type: 'smpp',
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
  new InboundHandler({ publish } as unknown as EventPublisher, {} as MoReassembly, new SubmittedParts());

/** A deliver_sm on an SMPP channel, decoded and answered as the SMPP protocol does it. */
const deliver = (handler: InboundHandler, pdu: Parameters<typeof answerSmpp>[1]) =>
  answerSmpp(channel, pdu, (inbound) => handler.handle(channel, inbound));

describe('InboundHandler answers (through the SMPP protocol)', () => {
  it('ESME_RX_T_APPN when Kafka did not acknowledge the event, so the SMSC delivers it again', async () => {
    const handler = handlerWith(() => Promise.reject(new Error('Kafka publish timed out')));
    await expect(deliver(handler, mo)).resolves.toEqual({ status: Status.ESME_RX_T_APPN });
  });

  it('ESME_ROK only once Kafka acknowledged', async () => {
    let acknowledge!: () => void;
    const handler = handlerWith(() => new Promise<void>((resolve) => (acknowledge = resolve)));
    let answered = false;
    const answer = deliver(handler, mo).then((result) => {
      answered = true;
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    acknowledge();
    await expect(answer).resolves.toEqual({ status: Status.ESME_ROK });
  });

  it.each([
    ['a NUL', [0x00, 0x41, 0x00, 0x00]],
    ['a lone surrogate', [0x00, 0x41, 0xd8, 0x3d]],
  ])(
    'ESME_RX_P_APPN for an MO whose UCS-2 text holds %s (PostgreSQL cannot store it; resending cannot help)',
    async (_case, bytes) => {
      const publish = jest.fn(() => Promise.resolve());
      const handler = handlerWith(publish);
      const ucs2 = { ...mo, dataCoding: 8, shortMessage: Buffer.from(bytes) };
      await expect(deliver(handler, ucs2)).resolves.toEqual({ status: Status.ESME_RX_P_APPN });
      expect(publish).not.toHaveBeenCalled();
    },
  );

  it('ESME_RX_P_APPN when the contract refuses the event (the real publisher validates before sending)', async () => {
    const publisher = new EventPublisher({ producer: () => ({}) } as unknown as Kafka);
    const handler = new InboundHandler(publisher, {} as MoReassembly, new SubmittedParts());
    // message_payload carries up to 64 KiB: more text than an inbound event holds.
    const long = {
      ...mo,
      shortMessage: Buffer.alloc(0),
      optional: { ...mo.optional, messagePayload: Buffer.from('a'.repeat(20_001)) },
    };
    await expect(deliver(handler, long)).resolves.toEqual({ status: Status.ESME_RX_P_APPN });
  });

  it('ESME_RINVSRCADR for an MO without a sender (it could never be published)', async () => {
    const handler = handlerWith(() => Promise.resolve());
    await expect(deliver(handler, { ...mo, source: { ton: 0, npi: 0, addr: '' } })).resolves.toEqual({
      status: Status.ESME_RINVSRCADR,
    });
  });
});

describe('InboundHandler receipts', () => {
  const receipt = (id: string) =>
    shortMessage('deliver_sm', {
      source: { ton: 1, npi: 1, addr: '254712345678' },
      destination: { ton: 0, npi: 0, addr: '22000' },
      esmClass: 0x04,
      shortMessage: Buffer.from(
        `id:${id} sub:001 dlvrd:001 submit date:2611221000 done date:2611221001 stat:DELIVRD err:000 text:hi`,
        'latin1',
      ),
    });
  const recording = () => {
    const published: { topic: string; payload: Record<string, unknown>; key?: string }[] = [];
    const publisher = {
      publish: (topic: string, payload: Record<string, unknown>, options: { key?: string }) => {
        published.push({ topic, payload, key: options.key });
        return Promise.resolve();
      },
    } as unknown as EventPublisher;
    const submitted = new SubmittedParts();
    return { published, submitted, handler: new InboundHandler(publisher, {} as MoReassembly, submitted) };
  };
  const messageId = '01a20000-0000-7000-8000-0000000000aa';

  it("publishes the receipt of a part submitted here under its message's id, once its sent is queued", async () => {
    const { published, submitted, handler } = recording();
    let queueSent!: () => void;
    const sent = new Promise<void>((resolve) => (queueSent = resolve));
    const providerId = canonicalSmppId('1a2b3c', 'hex');
    submitted.remember(channel.id, providerId, {
      messageId,
      workspace: channel.workspaceId,
      part: { index: 1, count: 2 },
      sent,
    });
    const answer = deliver(handler, receipt('1a2b3c'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toHaveLength(0);
    queueSent();
    await expect(answer).resolves.toEqual({ status: Status.ESME_ROK });
    expect(published).toEqual([
      {
        topic: Topics.outboundStatus,
        key: messageId,
        payload: expect.objectContaining({
          id: messageId,
          workspace: channel.workspaceId,
          channel: channel.id,
          status: 'delivered',
          part: { index: 1, count: 2 },
          providerMessageId: providerId,
          detail: expect.objectContaining({ stat: 'DELIVRD', by: RECEIPT_SOURCE }),
        }),
      },
    ]);
  });

  it('publishes a receipt for a part not submitted here by provider id, on the receipt topic', async () => {
    const { published, handler } = recording();
    await expect(deliver(handler, receipt('ffee01'))).resolves.toEqual({ status: Status.ESME_ROK });
    expect(published).toEqual([
      expect.objectContaining({
        topic: Topics.receiptReceived,
        payload: expect.objectContaining({ providerMessageId: canonicalSmppId('ffee01', 'hex') }),
      }),
    ]);
  });
});

describe('SubmittedParts', () => {
  it('forgets the oldest parts beyond its bound', () => {
    const parts = new SubmittedParts();
    const ref = { messageId: 'm', workspace: 'w', sent: Promise.resolve() };
    for (let i = 0; i < 100_010; i++) parts.remember('c', String(i), ref);
    expect(parts.size).toBe(100_000);
    expect(parts.find('c', '9')).toBeUndefined();
    expect(parts.find('c', '100009')).toBe(ref);
  });
});
