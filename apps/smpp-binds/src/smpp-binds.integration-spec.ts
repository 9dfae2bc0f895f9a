import { PayloadInput, RECEIPT_SOURCE, Topics, uuidv7 } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import { canonicalSmppId, shortMessage, Status } from '@smsgate/smpp';
import {
  ADMIN_TOKEN,
  connectTestClients,
  InProcessService,
  ProbedMessage,
  seedSmppChannel,
  seedWorkspace,
  setChannelEnabled,
  SmscSimulator,
  TestClients,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';
import { Client } from 'pg';
import { register } from 'prom-client';
import { BindReporter } from './binds/bind-reporter';
import { startSmppBinds } from './smpp-binds.testing';

type Submit = PayloadInput<typeof Topics.smppSubmitRequested>;

describe('smpp-binds against Kafka, PostgreSQL and the SMSC simulator', () => {
  let clients: TestClients;
  let db: Client;
  let publisher: EventPublisher;
  let probe: TopicProbe;
  let service: InProcessService;
  let stopped = false;
  let smsc: SmscSimulator;
  let workspace: string;

  beforeAll(async () => {
    clients = await connectTestClients('smpp-binds-it', [
      Topics.outboundStatus,
      Topics.receiptReceived,
      Topics.inboundReceived,
      Topics.deadLetter,
    ]);
    ({ db, publisher, probe } = clients);
    smsc = await new SmscSimulator({ systemId: 'smsgate', password: 'secret' }).start();
    workspace = uuidv7();
    await seedWorkspace(db, workspace, 'smpp-it');
    service = await startSmppBinds({ groupId: `smpp-binds-it-${uuidv7()}` });
  });

  afterAll(async () => {
    if (!stopped) await service?.app.close();
    await smsc?.stop();
    await clients?.close();
  });

  beforeEach(() => {
    smsc.options = { systemId: 'smsgate', password: 'secret' };
  });

  /** An SMPP channel of the test workspace pointing at `port` (the simulator by default). */
  const channel = async (config: Record<string, unknown> = {}, password = 'secret', port = smsc.port) => {
    const id = uuidv7();
    await seedSmppChannel(db, {
      id,
      workspace,
      name: 'smpp-it',
      address: '22000',
      config: { host: '127.0.0.1', port, system_id: 'smsgate', enquire_link_seconds: 5, ...config },
      password,
    });
    return id;
  };

  const binds = async () => {
    const response = await fetch(`${service.url}/v1/binds`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return (await response.json()) as {
      channels: { channel: string; state: string; status?: { name: string }; binds: { state: string }[] }[];
    };
  };
  const bindsOf = async (id: string) => (await binds()).channels.find((entry) => entry.channel === id);

  const submit = async (channelId: string, fields: Partial<Submit> = {}): Promise<string> => {
    const id = uuidv7();
    await publisher.publish(
      Topics.smppSubmitRequested,
      {
        id,
        workspace,
        channel: channelId,
        to: '+254712345678',
        from: 'SMSGATE',
        text: 'hello',
        priority: 'normal',
        requestedAt: new Date().toISOString(),
        ...fields,
      },
      { key: channelId },
    );
    return id;
  };

  const value = (message: ProbedMessage) => message.value as Record<string, unknown>;
  /** The `sent` statuses of a message (its receipts follow on the same topic). */
  const statusesOf = (id: string) =>
    probe
      .find((m) => m.topic === Topics.outboundStatus && value(m).id === id && value(m).status === 'sent')
      .map(value);

  it('opens the binds of a new channel without a restart and lists them (admin token only)', async () => {
    const id = await channel();
    await waitFor(async () => (await bindsOf(id))?.state === 'bound', { message: 'the channel bound' });
    expect((await fetch(`${service.url}/v1/binds`)).status).toBe(401);
    // /metrics is served by the runtime module around the service (see e2e); the registry is the same.
    const metrics = await register.metrics();
    expect(metrics).toContain(`smsgate_smpp_binds{channel="${id}",state="bound"`);
  });

  it('keeps binding other channels when the secrets of one cannot be decrypted, and fails its messages', async () => {
    const broken = uuidv7();
    await seedSmppChannel(db, {
      id: broken,
      workspace,
      name: 'sealed elsewhere',
      address: null,
      config: { host: '127.0.0.1', port: smsc.port, system_id: 'smsgate' },
      password: 'secret',
      secretsKey: Buffer.alloc(32, 9).toString('base64'),
    });
    const id = await channel();
    await waitFor(async () => (await bindsOf(id))?.state === 'bound', { message: 'the good channel bound' });
    expect(await bindsOf(broken)).toBeUndefined();
    const message = await submit(broken);
    const failed = await probe.waitFor((m) => m.topic === Topics.outboundStatus && value(m).id === message, {
      timeoutMs: 30_000,
    });
    expect(value(failed)).toMatchObject({ status: 'failed' });
    expect(String((value(failed).detail as { reason: string }).reason)).toContain('cannot be decrypted');
    await setChannelEnabled(db, broken, false);
  });

  it('submits, publishes sent with the SMSC id, then the receipt under the message id, behind it', async () => {
    const id = await channel({ message_id_format: 'decimal' });
    smsc.options.idFormat = 'decimal';
    const message = await submit(id, { text: 'hello SMPP' });
    const receipt = await probe.waitFor(
      (m) => m.topic === Topics.outboundStatus && value(m).id === message && value(m).status === 'delivered',
      { timeoutMs: 30_000 },
    );
    const submitted = smsc.submits.find((s) => s.text === 'hello SMPP')!;
    expect(submitted.pdu.destination).toEqual({ ton: 1, npi: 1, addr: '254712345678' });
    expect(submitted.pdu.source).toEqual({ ton: 5, npi: 0, addr: 'SMSGATE' });
    expect(submitted.pdu.registeredDelivery).toBe(1);
    const providerMessageId = canonicalSmppId(submitted.messageId, 'decimal');
    // In the partition's order: `sent` first, then the receipt, both keyed by the message id.
    const ours = probe.find((m) => m.topic === Topics.outboundStatus && value(m).id === message);
    expect(ours.map((m) => value(m).status)).toEqual(['sent', 'delivered']);
    expect(value(ours[0])).toMatchObject({ status: 'sent', channel: id, providerMessageId });
    expect(value(receipt)).toMatchObject({
      workspace,
      channel: id,
      providerMessageId,
      detail: { stat: 'DELIVRD', by: RECEIPT_SOURCE },
    });
    expect(ours.map((m) => m.key)).toEqual([message, message]);
    expect(
      probe.find(
        (m) => m.topic === Topics.receiptReceived && value(m).providerMessageId === providerMessageId,
      ),
    ).toEqual([]);
  });

  it('sends a 300-character UCS-2 message as 5 parts with one reference and reports every part', async () => {
    const id = await channel();
    const text = 'Привет, мир! '.repeat(24).slice(0, 300);
    const message = await submit(id, { text });
    await waitFor(() => statusesOf(message).length === 5, { timeoutMs: 30_000, message: '5 sent statuses' });
    const parts = smsc.submits.filter(
      (s) => s.pdu.dataCoding === 8 && s.concatenation && text.includes(s.text),
    );
    const ours = parts.filter((p) => p.concatenation!.total === 5).slice(-5);
    expect(ours).toHaveLength(5);
    expect(new Set(ours.map((p) => p.concatenation!.reference)).size).toBe(1);
    expect(ours.map((p) => p.text).join('')).toBe(text);
    expect(
      statusesOf(message)
        .map((s) => (s.part as { index: number }).index)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
  });

  it('does not submit a replayed message whose submit was already acknowledged', async () => {
    const id = await channel();
    const message = uuidv7();
    const payload: Submit = {
      id: message,
      workspace,
      channel: id,
      to: '+254712345678',
      text: `replay ${message}`,
      priority: 'normal',
      requestedAt: new Date().toISOString(),
    };
    await publisher.publish(Topics.smppSubmitRequested, payload, { key: id });
    await waitFor(() => statusesOf(message).length === 1, { timeoutMs: 30_000, message: 'the first sent' });
    await publisher.publish(Topics.smppSubmitRequested, payload, { key: id });
    const marker = await submit(id, { text: `marker ${message}` });
    await waitFor(() => statusesOf(marker).length === 1, { timeoutMs: 30_000, message: 'the marker sent' });
    expect(smsc.submits.filter((s) => s.text === `replay ${message}`)).toHaveLength(1);
  });

  it('fails a message the SMSC refuses with the status code and name, and retries throttled ones', async () => {
    const id = await channel();
    smsc.options.onSubmit = (s) =>
      s.text === 'refuse me'
        ? { status: Status.ESME_RINVDSTADR }
        : s.text === 'throttle me' && smsc.received % 2 === 1
          ? { status: Status.ESME_RTHROTTLED }
          : undefined;
    const refused = await submit(id, { text: 'refuse me' });
    const throttled = await submit(id, { text: 'throttle me' });
    const failed = await probe.waitFor((m) => m.topic === Topics.outboundStatus && value(m).id === refused, {
      timeoutMs: 30_000,
    });
    expect(value(failed)).toMatchObject({
      status: 'failed',
      detail: { smppStatus: 0x0b, smppStatusName: 'ESME_RINVDSTADR' },
    });
    const sent = await probe.waitFor((m) => m.topic === Topics.outboundStatus && value(m).id === throttled, {
      timeoutMs: 30_000,
    });
    expect(value(sent).status).toBe('sent');
  });

  it('marks a channel whose bind is rejected bind_failed with the SMSC status and stops trying', async () => {
    const id = await channel({}, 'wrong');
    await waitFor(async () => (await bindsOf(id))?.state === 'bind_failed', { message: 'bind_failed' });
    expect((await bindsOf(id))?.status).toEqual({ code: Status.ESME_RINVPASWD, name: 'ESME_RINVPASWD' });
    await waitFor(
      async () =>
        (await db.query(`SELECT state, status_name FROM smpp_channel_states WHERE channel_id = $1`, [id]))
          .rows[0]?.status_name === 'ESME_RINVPASWD',
      { message: 'the recorded state' },
    );
    const attempts = smsc.bindAttempts.filter((a) => !a.accepted).length;
    // A message for it goes to the retry topic, then fails with the reason.
    const message = await submit(id, { text: 'never bound' });
    const failed = await probe.waitFor(
      (m) => m.topic === Topics.outboundStatus && value(m).id === message && value(m).status === 'failed',
      { timeoutMs: 30_000 },
    );
    expect(String((value(failed).detail as { reason: string }).reason)).toContain('ESME_RINVPASWD');
    expect(smsc.bindAttempts.filter((a) => !a.accepted).length).toBe(attempts);
  });

  it('closes the binds of a disabled channel and opens them again when it is enabled', async () => {
    const id = await channel();
    await waitFor(async () => (await bindsOf(id))?.state === 'bound', { message: 'bound' });
    const before = smsc.boundCount;
    await setChannelEnabled(db, id, false);
    await waitFor(async () => (await bindsOf(id)) === undefined && smsc.boundCount === before - 1, {
      message: 'the binds closed',
    });
    await setChannelEnabled(db, id, true);
    await waitFor(async () => (await bindsOf(id))?.state === 'bound', { message: 'bound again' });
  });

  describe('MO messages', () => {
    // A simulator of their own: it delivers to the first receiving bind it has, which must be ours.
    let mo: SmscSimulator;
    let id: string;
    beforeAll(async () => {
      mo = await new SmscSimulator({ systemId: 'smsgate', password: 'secret' }).start();
      id = await channel({}, 'secret', mo.port);
      await waitFor(async () => (await bindsOf(id))?.state === 'bound', { message: 'bound' });
    });
    afterAll(async () => {
      await setChannelEnabled(db, id, false);
      await mo?.stop();
    });
    const inbound = (text: string) =>
      probe.waitFor(
        (m) => m.topic === Topics.inboundReceived && value(m).channel === id && value(m).text === text,
        {
          timeoutMs: 20_000,
        },
      );
    const from = { ton: 1, npi: 1, addr: '254712345678' };
    const to = { ton: 0, npi: 0, addr: '22000' };
    const deliverToOurs = (message: Parameters<SmscSimulator['deliverMo']>[0]) => mo.deliverMo(message);

    it('publishes GSM, Latin-1 and UCS-2 MOs and answers them ESME_ROK', async () => {
      expect(await deliverToOurs({ from, to, text: 'Hello {world} €5' })).toEqual([0]);
      expect(value(await inbound('Hello {world} €5'))).toMatchObject({
        workspace,
        channelType: 'smpp',
        from: '+254712345678',
        to: '22000',
      });
      await deliverToOurs({ from, to, text: 'Café crème', encoding: 'latin1' });
      await inbound('Café crème');
      await deliverToOurs({ from, to, text: 'Привет 😀', encoding: 'ucs2' });
      await inbound('Привет 😀');
    });

    it.each(['udh8', 'udh16', 'sar'] as const)(
      'reassembles a long MO sent with %s into one message',
      async (concat) => {
        const text = `${concat}: ` + 'Long message number one. '.repeat(20);
        const statuses = await deliverToOurs({
          from,
          to,
          text,
          concat,
          reference: 0x1234 & (concat === 'udh8' ? 0xff : 0xffff),
        });
        expect(statuses.every((status) => status === 0)).toBe(true);
        expect(value(await inbound(text)).metadata).toMatchObject({ smppParts: '4/4' });
        expect(
          probe.find(
            (m) => m.topic === Topics.inboundReceived && value(m).channel === id && value(m).text === text,
          ),
        ).toHaveLength(1);
      },
    );

    it('publishes an incomplete long MO with what arrived once the reassembly timeout passed', async () => {
      const text = 'Incomplete. '.repeat(30);
      await deliverToOurs({ from, to, text, reference: 77, partSize: 100, onlyParts: [0, 2] });
      const chunks = [text.slice(0, 100), text.slice(200, 300)];
      const event = await inbound(chunks.join(''));
      expect(value(event).metadata).toMatchObject({ smppParts: '2/4', smppIncomplete: '1,3' });
    });

    it('turns receipts sent as data_sm-style TLVs into receipt events', async () => {
      await mo.deliver(
        shortMessage('deliver_sm', {
          source: from,
          destination: to,
          esmClass: 0x04,
          optional: {
            receiptedMessageId: '00ABCDEF',
            messageState: 5,
            networkErrorCode: { type: 3, code: 1 },
          },
        }),
      );
      const receipt = await probe.waitFor(
        (m) =>
          m.topic === Topics.receiptReceived &&
          value(m).channel === id &&
          value(m).providerMessageId === 'abcdef',
      );
      expect(value(receipt)).toMatchObject({
        status: 'failed',
        detail: { stat: 'UNDELIV', networkErrorType: 3, networkErrorCode: 1 },
      });
    });
  });

  // Last: it stops the service.
  it('reports its partitions and binds to smsc_bind_reports, without secrets, and removes the report when it stops', async () => {
    const id = await channel({}, 'pw-rpt42');
    smsc.options = { systemId: 'smsgate', password: 'pw-rpt42' };
    await waitFor(async () => (await bindsOf(id))?.state === 'bound', { message: 'bound' });
    const { replica } = service.app.get(BindReporter);
    type Report = { partitions: number[]; channels: Record<string, unknown>[] };
    const reportOf = async (): Promise<Report | undefined> =>
      (
        await db.query<Report>(`SELECT partitions, channels FROM smsc_bind_reports WHERE replica = $1`, [
          replica,
        ])
      ).rows[0];
    const reported = async () => (await reportOf())?.channels.find((entry) => entry.channel === id);
    await waitFor(async () => (await reported())?.state === 'bound', {
      message: 'the bound channel reported',
    });

    const report = await reportOf();
    expect(report?.partitions.length).toBeGreaterThan(0);
    expect(await reported()).toMatchObject({
      workspace,
      name: 'smpp-it',
      type: 'smpp',
      binds: [expect.objectContaining({ state: 'bound', mode: 'transceiver' })],
    });
    expect(JSON.stringify(report)).not.toContain('pw-rpt42');

    stopped = true;
    await service.app.close();
    expect(await reportOf()).toBeUndefined();
  });
});
