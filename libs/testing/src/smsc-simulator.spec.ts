import { decodePdu, encodePdu, Pdu, PduFramer, shortMessage, Status, UnknownPdu } from '@smsgate/smpp';
import { connect, Socket } from 'node:net';
import { SmscSimulator } from './smsc-simulator';
import { waitFor } from './wait-for';

/** A raw ESME: what the simulator answers, PDU by PDU (the demo's refusals, not BindPool's happy path). */
class RawEsme {
  readonly received: (Pdu | UnknownPdu)[] = [];
  private readonly framer = new PduFramer();

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) this.received.push(decodePdu(frame));
    });
  }

  static async connect(port: number): Promise<RawEsme> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawEsme(socket);
  }

  async request(pdu: Pdu | Buffer): Promise<Pdu | UnknownPdu> {
    const sequence = Buffer.isBuffer(pdu) ? pdu.readUInt32BE(12) : pdu.sequence;
    this.socket.write(Buffer.isBuffer(pdu) ? pdu : encodePdu(pdu));
    return waitFor(() => this.received.find((answer) => answer.sequence === sequence), {
      message: `the answer to sequence ${sequence}`,
    });
  }

  bind(sequence: number, systemId = 'demo') {
    const rest = { systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' };
    return this.request({
      command: 'bind_transceiver',
      status: 0,
      sequence,
      systemId,
      password: 'secret',
      ...rest,
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

const submit = (sequence: number) => ({
  ...shortMessage('submit_sm', {
    source: { ton: 1, npi: 1, addr: 'SMSGATE' },
    destination: { ton: 1, npi: 1, addr: '254712345678' },
    shortMessage: Buffer.from('hello', 'latin1'),
    registeredDelivery: 1,
  }),
  sequence,
});

describe('SmscSimulator', () => {
  let smsc: SmscSimulator;
  const esmes: RawEsme[] = [];
  const esme = async () => {
    esmes.push(await RawEsme.connect(smsc.port));
    return esmes[esmes.length - 1];
  };

  afterEach(async () => {
    for (const connected of esmes.splice(0)) connected.close();
    await smsc.stop();
  });

  it('limits binds per system_id, refuses a second bind and submits before a bind', async () => {
    const binds: { systemId: string; accepted: boolean }[] = [];
    smsc = await new SmscSimulator({
      maxBindsPerSystemId: 1,
      onBind: ({ systemId, accepted }) => binds.push({ systemId, accepted }),
    }).start();
    const [first, second, other] = [await esme(), await esme(), await esme()];
    expect((await second.request(submit(1))).status).toBe(Status.ESME_RINVBNDSTS);
    expect((await first.bind(2)).status).toBe(Status.ESME_ROK);
    expect((await first.bind(3)).status).toBe(Status.ESME_RALYBND);
    expect((await second.bind(4)).status).toBe(Status.ESME_RBINDFAIL);
    expect((await other.bind(5, 'other')).status).toBe(Status.ESME_ROK);
    expect(smsc.bindsBySystemId()).toEqual({ demo: 1, other: 1 });
    expect(binds).toEqual([
      { systemId: 'demo', accepted: true },
      { systemId: 'demo', accepted: false },
      { systemId: 'demo', accepted: false },
      { systemId: 'other', accepted: true },
    ]);
    expect(smsc.received).toBe(0);
  });

  it('answers an unknown command with generic_nack', async () => {
    smsc = await new SmscSimulator().start();
    const unknown = Buffer.alloc(16);
    unknown.writeUInt32BE(16, 0);
    unknown.writeUInt32BE(0x00000077, 4);
    unknown.writeUInt32BE(7, 12);
    const answer = await (await esme()).request(unknown);
    expect(answer).toMatchObject({ command: 'generic_nack', status: Status.ESME_RINVCMDID });
  });

  it('gives 16-digit hex ids, delays receipts and keeps counts only when asked to', async () => {
    smsc = await new SmscSimulator({
      idFormat: 'hex16',
      firstMessageId: 0xabc,
      receiptDelayMs: 100,
      keepHistory: false,
    }).start();
    const client = await esme();
    await client.bind(1);
    const answer = await client.request(submit(2));
    expect(answer).toMatchObject({ command: 'submit_sm_resp', messageId: '0000000000000abc' });
    const answeredAt = Date.now();
    await waitFor(() => client.received.some((pdu) => pdu.command === 'deliver_sm'), {
      message: 'the receipt',
    });
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(80);
    expect({ received: smsc.received, receipts: smsc.receiptsSent }).toEqual({ received: 1, receipts: 1 });
    expect({ submits: smsc.submits.length, binds: smsc.bindAttempts.length }).toEqual({
      submits: 0,
      binds: 0,
    });
  });
});
