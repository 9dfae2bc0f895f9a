import { readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { LinkRejectedError, LinkRetryableError } from '@smsgate/smsc';
import { selfSignedCertificate, Cimd2Simulator, waitFor } from '@smsgate/testing';
import { FINAL_REPORTS, Op, Param, submitParams } from './operations';
import { CimdDecodeError, CimdFramer, CimdPacket, encodePacket, paramOf } from './packet';
import { CimdInboundHandler, CimdSession, CimdSessionOptions } from './session';

describe('CimdSession against the CIMD2 simulator', () => {
  let smsc: Cimd2Simulator;
  const sessions: CimdSession[] = [];
  const inbound: CimdPacket[] = [];
  const onInbound: CimdInboundHandler = (packet) => {
    inbound.push(packet);
    return Promise.resolve({ ok: true });
  };

  const open = async (options: Partial<CimdSessionOptions> = {}) => {
    const session = await CimdSession.open({
      host: '127.0.0.1',
      port: smsc.port,
      userId: 'smsgate',
      password: 'secret',
      window: 10,
      responseTimeoutMs: 2_000,
      aliveMs: 0,
      onInbound,
      ...options,
    });
    sessions.push(session);
    return session;
  };

  beforeEach(async () => {
    inbound.length = 0;
    smsc = await new Cimd2Simulator({ userId: 'smsgate', password: 'secret' }).start();
  });

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy('test over');
    await smsc.stop();
  });

  it('logs in, submits within its window, and takes the destination and time stamp as the id', async () => {
    const session = await open({ window: 3 });
    const answers = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        session.submit(
          submitParams({ destination: `+25470000000${i}`, originator: 'ACME', text: `hello @${i}` }),
        ),
      ),
    );
    expect(answers.map((answer) => answer.kind === 'accepted' && answer.messageId)).toEqual(
      smsc.submits.map((submit) => submit.messageId),
    );
    expect(smsc.submits.map((submit) => submit.text)).toEqual(
      Array.from({ length: 7 }, (_, i) => `hello @${i}`),
    );
    expect(smsc.submits[0].message).toMatchObject({ originator: 'ACME', alphanumeric: true });
  });

  it('refuses a wrong password with LinkRejectedError carrying error 100', async () => {
    await expect(open({ password: 'wrong' })).rejects.toEqual(expect.any(LinkRejectedError));
    await expect(open({ password: 'wrong' })).rejects.toMatchObject({ code: 100 });
  });

  it('returns a submit response with an error code as refused, with its name', async () => {
    smsc.options.onSubmit = () => ({ error: 300 });
    const session = await open();
    await expect(
      session.submit(submitParams({ destination: '1', originator: '2', text: 'x' })),
    ).resolves.toEqual({
      kind: 'refused',
      code: 300,
      name: 'error 300 (incorrect destination address)',
    });
  });

  it('times out an unanswered submit as retryable and closes the session', async () => {
    smsc.options.onSubmit = () => ({ noResponse: true });
    const session = await open({ responseTimeoutMs: 200 });
    await expect(
      session.submit(submitParams({ destination: '1', originator: '2', text: 'x' })),
    ).rejects.toEqual(expect.any(LinkRetryableError));
    await session.closed;
  });

  it('answers MOs (20) and status reports (23) only once the handler resolved, with its error code if any', async () => {
    let release!: () => void;
    await open({
      onInbound: (packet) => {
        inbound.push(packet);
        return packet.op === Op.DELIVER_MESSAGE
          ? new Promise((resolve) => (release = () => resolve({ ok: true })))
          : Promise.resolve({ ok: false, code: 9 });
      },
    });
    const answered = smsc.deliverMo({ from: '+254711', to: '22000', text: 'hi there' });
    await waitFor(() => inbound.length === 1, {
      timeoutMs: 2_000,
      intervalMs: 10,
      message: 'the MO handed over',
    });
    expect(smsc.answers).toEqual([]);
    release();
    await expect(answered).resolves.toEqual([0]);
    expect(paramOf(inbound[0], Param.ORIGINATOR)).toBe('+254711');
    const session = sessions[0];
    const accepted = await session.submit(
      submitParams({
        destination: '+254722',
        originator: '2',
        text: 'x',
        statusReportRequest: FINAL_REPORTS,
      }),
    );
    expect(accepted.kind).toBe('accepted');
    await waitFor(() => smsc.answers.some((answer) => answer.op === 73), {
      timeoutMs: 2_000,
      intervalMs: 10,
      message: 'the report answered',
    });
    expect(smsc.answers.find((answer) => answer.op === 73)).toEqual({ op: 73, error: 9 });
  });

  it('logs out only after the SMSC requests in progress are answered (a drain loses no report)', async () => {
    let release!: () => void;
    const session = await open({
      onInbound: () => new Promise((resolve) => (release = () => resolve({ ok: true }))),
    });
    const answered = smsc.deliverMo({ from: '+254711', to: '22000', text: 'in flight at shutdown' });
    await waitFor(() => release !== undefined, {
      timeoutMs: 2_000,
      intervalMs: 10,
      message: 'the MO handed over',
    });
    const closing = session.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(smsc.logouts).toBe(0);
    release();
    await closing;
    await expect(answered).resolves.toEqual([0]);
    expect(smsc.logouts).toBe(1);
  });

  it('keeps an idle connection alive with operation 40, gives up on a silent SMSC, and logs out on close', async () => {
    const session = await open({ aliveMs: 100, responseTimeoutMs: 300 });
    await waitFor(() => smsc.alives >= 2, { timeoutMs: 2_000, intervalMs: 20, message: 'two alives' });
    await session.close();
    expect(smsc.logouts).toBe(1);
    const silent = await open({ aliveMs: 100, responseTimeoutMs: 300 });
    smsc.options.silent = true;
    await expect(silent.closed).resolves.toContain('unanswered');
  });

  it('NACKs a request with a bad checksum under its packet number, and stays open', async () => {
    const received: CimdPacket[] = [];
    const server = createServer((socket) => {
      const framer = new CimdFramer();
      socket.on('data', (chunk: Buffer) => {
        for (const packet of framer.push(chunk)) {
          if (packet instanceof CimdDecodeError) continue;
          if (packet.op === Op.LOGIN) {
            socket.write(encodePacket({ op: 51, seq: packet.seq, params: [] }));
            const broken = encodePacket({ op: 20, seq: 4, params: [[21, '1']] }).toString('latin1');
            socket.write(`${broken.slice(0, -3)}00\u0003`);
          } else received.push(packet);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const session = await CimdSession.open({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        userId: 'u',
        password: 'p',
        window: 1,
        responseTimeoutMs: 2_000,
        aliveMs: 0,
      });
      sessions.push(session);
      await waitFor(() => received.length === 1, { timeoutMs: 2_000, intervalMs: 10, message: 'the NACK' });
      expect(received[0]).toEqual({ op: Op.NACK, seq: 4, params: [] });
      expect(session.isOpen).toBe(true);
    } finally {
      for (const session of sessions.splice(0)) session.destroy('test over');
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('CimdSession over TLS', () => {
  it('logs in and submits over TLS, trusting the certificate it was given', async () => {
    const certificate = selfSignedCertificate();
    const smsc = await new Cimd2Simulator({ userId: 'u', password: 'p' }).start(0, '127.0.0.1', {
      cert: certificate.cert,
      key: readFileSync(certificate.keyFile),
    });
    try {
      const session = await CimdSession.open({
        host: '127.0.0.1',
        port: smsc.port,
        tls: { ca: certificate.cert },
        userId: 'u',
        password: 'p',
        window: 2,
        responseTimeoutMs: 2_000,
        aliveMs: 0,
      });
      await expect(
        session.submit(submitParams({ destination: '+2547', originator: '2', text: 'over TLS' })),
      ).resolves.toMatchObject({ kind: 'accepted' });
      expect(smsc.submits.map((submit) => submit.text)).toEqual(['over TLS']);
      session.destroy('done');
    } finally {
      await smsc.stop();
    }
  });
});
