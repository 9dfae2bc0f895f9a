import { freePort, waitFor } from '@smsgate/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { connect, Socket } from 'node:net';
import path from 'node:path';
import { repoRoot } from './compose-file';

/** The compose demo's SMSC simulator and recording aggregator, run as the compose file runs them. */
function run(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot, 'tools', script)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: 'ignore',
  });
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

/** A minimal ESME: writes PDUs, collects the PDUs it gets back. */
class Esme {
  readonly received: { id: number; status: number; seq: number; body: Buffer }[] = [];
  private buffer = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 16 && this.buffer.length >= this.buffer.readUInt32BE(0)) {
        const length = this.buffer.readUInt32BE(0);
        this.received.push({
          id: this.buffer.readUInt32BE(4),
          status: this.buffer.readUInt32BE(8),
          seq: this.buffer.readUInt32BE(12),
          body: this.buffer.subarray(16, length),
        });
        this.buffer = this.buffer.subarray(length);
      }
    });
  }

  static async connect(port: number): Promise<Esme> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new Esme(socket);
  }

  send(id: number, seq: number, body: Buffer = Buffer.alloc(0)): void {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(16 + body.length, 0);
    header.writeUInt32BE(id, 4);
    header.writeUInt32BE(0, 8);
    header.writeUInt32BE(seq, 12);
    this.socket.write(Buffer.concat([header, body]));
  }

  answer(seq: number) {
    return waitFor(() => this.received.find((pdu) => pdu.seq === seq && pdu.id & 0x80000000), {
      message: `the answer to sequence ${seq}`,
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

const cstr = (text: string) => Buffer.from(`${text}\0`, 'latin1');
const bind = (systemId: string) =>
  Buffer.concat([cstr(systemId), cstr('secret'), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')]);
const submit = (to: string, text: string) =>
  Buffer.concat([
    cstr(''),
    Buffer.from([1, 1]),
    cstr('SMSGATE'),
    Buffer.from([1, 1]),
    cstr(to),
    Buffer.from([0, 0, 0]),
    cstr(''),
    cstr(''),
    Buffer.from([1, 0, 0, 0, text.length]),
    Buffer.from(text, 'latin1'),
  ]);

describe('demo SMPP simulator (tools/smpp-simulator.mjs)', () => {
  let smsc: ChildProcess;
  let smppPort: number;
  let httpPort: number;
  const esmes: Esme[] = [];

  beforeAll(async () => {
    [smppPort, httpPort] = [await freePort(), await freePort()];
    smsc = run('smpp-simulator.mjs', {
      SMPP_PORT: String(smppPort),
      HTTP_PORT: String(httpPort),
      MAX_BINDS: '2',
      RECEIPT_DELAY_MS: '50',
    });
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${httpPort}/health`).catch(() => undefined))?.ok,
      {
        message: 'the simulator',
      },
    );
  });

  afterAll(async () => {
    for (const esme of esmes) esme.close();
    expect(await stop(smsc)).toBe(0);
  });

  it('binds up to its limit per system id, accepts submits and delivers receipts', async () => {
    for (let i = 0; i < 3; i++) esmes.push(await Esme.connect(smppPort));
    esmes[0].send(0x09, 1, bind('demo'));
    expect((await esmes[0].answer(1)).status).toBe(0);
    esmes[1].send(0x09, 1, bind('demo'));
    expect((await esmes[1].answer(1)).status).toBe(0);
    esmes[2].send(0x09, 1, bind('demo'));
    expect((await esmes[2].answer(1)).status).toBe(0x0d); // ESME_RBINDFAIL: the limit is reached

    esmes[0].send(0x15, 2);
    expect((await esmes[0].answer(2)).id).toBe(0x80000015);
    esmes[0].send(0x04, 3, submit('254712345678', 'hello'));
    const resp = await esmes[0].answer(3);
    expect(resp.status).toBe(0);
    const messageId = resp.body.subarray(0, resp.body.indexOf(0)).toString('latin1');
    expect(messageId).toMatch(/^[0-9a-f]{16}$/);
    const receipt = await waitFor(() => esmes[0].received.find((pdu) => pdu.id === 0x05), {
      message: 'a delivery receipt',
    });
    expect(receipt.body.toString('latin1')).toContain(`id:${messageId} sub:001 dlvrd:001`);
    expect(receipt.body.toString('latin1')).toContain('stat:DELIVRD');

    const state = (await (await fetch(`http://127.0.0.1:${httpPort}/binds`)).json()) as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({ binds: { demo: 2 }, maxBinds: 2, submitted: 1, receipts: 1 });
  });
});

describe('demo recording aggregator (tools/recording-aggregator.mjs)', () => {
  it('answers 200, records what it got and lists it', async () => {
    const port = await freePort();
    const aggregator = run('recording-aggregator.mjs', { PORT: String(port) });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${base}/health`).catch(() => undefined))?.ok, {
        message: 'the aggregator',
      });
      const sent = await fetch(`${base}/send`, { method: 'POST', body: 'to=%2B254712345678&text=hi' });
      expect(sent.status).toBe(200);
      const recorded = (await (await fetch(`${base}/requests`)).json()) as { url: string; body: string }[];
      expect(recorded).toEqual([
        expect.objectContaining({ url: '/send', body: 'to=%2B254712345678&text=hi' }),
      ]);
    } finally {
      expect(await stop(aggregator)).toBe(0);
    }
  });
});
