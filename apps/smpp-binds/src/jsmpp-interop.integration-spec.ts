import { Topics, uuidv7 } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import { ProbedMessage, TopicProbe } from '@smsgate/testing';
import { bindToPeer, PeerInterop, startPeerSmsc } from './smpp-binds.testing';

/**
 * Submit → receipt interoperability with jsmpp's SMPPServerSimulator (org.jsmpp:jsmpp-examples from
 * Maven Central, fetched by the project's script). It answers submit_sm with a hexadecimal message id
 * and sends the receipt a second later with the same id in decimal — the mismatch
 * `receipt_message_id_format` exists for. It also sends one MO ("Hello World") after each bind.
 */
describe('interoperability with jsmpp SMPPServerSimulator', () => {
  let interop: PeerInterop;
  let publisher: EventPublisher;
  let probe: TopicProbe;
  const workspace = uuidv7();
  const channel = uuidv7();

  beforeAll(async () => {
    const simulator = await startPeerSmsc({
      script: 'jsmpp-simulator.sh',
      command: (classpath, port) => [
        'java',
        '-Djsmpp.client.systemId=smsgate',
        '-Djsmpp.client.password=secret',
        `-Djsmpp.simulator.port=${port}`,
        '-cp',
        classpath,
        'org.jsmpp.examples.SMPPServerSimulator',
      ],
      ready: 'Listening on port',
      timeoutMs: 30_000,
    });
    interop = await bindToPeer(
      simulator,
      { workspace, channel },
      {
        name: 'jsmpp',
        address: 'SMSGATE',
        config: { message_id_format: 'hex', receipt_message_id_format: 'decimal' },
        topics: [Topics.outboundStatus, Topics.receiptReceived, Topics.inboundReceived],
      },
    );
    ({ publisher, probe } = interop.clients);
  });

  afterAll(() => interop?.stop());

  const value = (message: ProbedMessage) => message.value as Record<string, unknown>;

  it('matches the decimal id of its receipt to the hexadecimal id of its submit_sm_resp', async () => {
    const id = uuidv7();
    await publisher.publish(
      Topics.smppSubmitRequested,
      {
        id,
        workspace,
        channel,
        to: '+254712345678',
        text: 'hello jsmpp',
        priority: 'normal',
        requestedAt: new Date().toISOString(),
      },
      { key: channel },
    );
    const sent = value(
      await probe.waitFor(
        (m) => m.topic === Topics.outboundStatus && value(m).id === id && value(m).status === 'sent',
        { timeoutMs: 30_000 },
      ),
    );
    expect(sent.status).toBe('sent');
    const providerMessageId = String(sent.providerMessageId);
    expect(providerMessageId).toMatch(/^[0-9a-f]+$/);
    const receipt = value(
      await probe.waitFor(
        // Submitted by this bind: published under our message id, behind its `sent`.
        (m) =>
          m.topic === Topics.outboundStatus &&
          value(m).id === id &&
          value(m).status === 'delivered' &&
          value(m).providerMessageId === providerMessageId,
        { timeoutMs: 30_000 },
      ),
    );
    expect(receipt).toMatchObject({ status: 'delivered', detail: { stat: 'DELIVRD' } });
    // The receipt wrote the id in decimal; we publish the canonical (hexadecimal) form.
    expect((receipt.detail as { smscMessageId: string }).smscMessageId).toBe(
      BigInt(`0x${providerMessageId}`).toString(),
    );
  });

  it('publishes the MO it sends after the bind', async () => {
    const mo = value(
      await probe.waitFor((m) => m.topic === Topics.inboundReceived && value(m).channel === channel, {
        timeoutMs: 30_000,
      }),
    );
    expect(mo).toMatchObject({ text: 'Hello World', channelType: 'smpp', workspace });
  });
});
