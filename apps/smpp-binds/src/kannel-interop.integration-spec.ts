import { Topics, uuidv7 } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import { ProbedMessage, TopicProbe, waitFor } from '@smsgate/testing';
import { bindToPeer, PeerInterop, PeerSmsc, startPeerSmsc } from './smpp-binds.testing';

const MESSAGES = 50;

/**
 * Interoperability with an SMSC we did not write: Kannel's drive_smpp (Debian's kannel-extras). It
 * accepts bind_transmitter and bind_receiver (not transceiver), sends N deliver_sm MOs and counts the
 * submit_sm it gets back; its submit_sm_resp carry no message id and it sends no receipts. The
 * project's script installs it when missing; if that fails, this test fails (it never skips).
 */
describe('interoperability with Kannel drive_smpp', () => {
  let interop: PeerInterop;
  let publisher: EventPublisher;
  let probe: TopicProbe;
  let driver: PeerSmsc;
  const workspace = uuidv7();
  const channel = uuidv7();

  beforeAll(async () => {
    driver = await startPeerSmsc({
      script: 'kannel-driver.sh',
      command: (executable, port) => [executable, '-p', String(port), '-m', String(MESSAGES), '-v', '1'],
      ready: 'Starting drive_smpp test',
    });
    interop = await bindToPeer(
      driver,
      { workspace, channel },
      {
        // drive_smpp names its MO sender "123"; the channel's mode is its transmitter + receiver pair.
        name: 'kannel',
        address: '123',
        config: { bind: 'transmitter_receiver', window: 20 },
        topics: [Topics.inboundReceived, Topics.outboundStatus],
      },
    );
    ({ publisher, probe } = interop.clients);
  });

  afterAll(() => interop?.stop());

  const value = (message: ProbedMessage) => message.value as Record<string, unknown>;

  it(`receives its ${MESSAGES} MOs, answers each with a send, and drive_smpp counts all of them`, async () => {
    const answered = new Set<string>();
    const sends: string[] = [];
    await waitFor(
      async () => {
        const mos = probe.find((m) => m.topic === Topics.inboundReceived && value(m).channel === channel);
        for (const mo of mos) {
          const event = value(mo);
          const moId = String(event.id);
          if (answered.has(moId)) continue;
          answered.add(moId);
          // What the dispatcher would hand over for a reply to this MO.
          const id = uuidv7();
          sends.push(id);
          await publisher.publish(
            Topics.smppSubmitRequested,
            {
              id,
              workspace,
              channel,
              to: String(event.from),
              from: typeof event.to === 'string' ? event.to : '123',
              text: `reply to ${String(event.text)}`,
              priority: 'normal',
              requestedAt: new Date().toISOString(),
            },
            { key: channel },
          );
        }
        return answered.size >= MESSAGES;
      },
      { timeoutMs: 60_000, message: `${MESSAGES} MOs from drive_smpp` },
    );
    const mos = probe
      .find((m) => m.topic === Topics.inboundReceived && value(m).channel === channel)
      .map(value);
    expect(new Set(mos.map((mo) => mo.text))).toEqual(
      new Set(Array.from({ length: MESSAGES }, (_, i) => String(i + 1))),
    );
    expect(mos.every((mo) => mo.from === '456' && mo.channelType === 'smpp')).toBe(true);

    await waitFor(() => driver.output().includes('ESME has submitted all messages to SMSC'), {
      timeoutMs: 60_000,
      message: `drive_smpp to count ${MESSAGES} submit_sm\n${driver.output().slice(-2_000)}`,
    });
    await waitFor(
      () =>
        sends.every(
          (id) =>
            probe.find(
              (m) => m.topic === Topics.outboundStatus && value(m).id === id && value(m).status === 'sent',
            ).length > 0,
        ),
      { timeoutMs: 30_000, message: 'a sent status for every reply' },
    );
    // drive_smpp answers without a message id: nothing to correlate, so none is claimed.
    const sent = probe.find((m) => m.topic === Topics.outboundStatus && value(m).id === sends[0]).map(value);
    expect(sent[0].providerMessageId).toBeUndefined();
  });
});
