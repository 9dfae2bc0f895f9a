import { readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { LinkRejectedError, LinkRetryableError } from '@smsgate/smsc';
import { selfSignedCertificate, UcpSimulator, waitFor } from '@smsgate/testing';
import { encodeFrame, UcpDecodeError, UcpFramer } from './frame';
import { Fields5x, submitFields } from './operations';
import { UcpInboundHandler, UcpSession, UcpSessionOptions } from './session';

describe('UcpSession against the UCP simulator', () => {
  let smsc: UcpSimulator;
  const sessions: UcpSession[] = [];
  const inbound: { ot: number; fields: Fields5x }[] = [];
  const onInbound: UcpInboundHandler = (ot, fields) => {
    inbound.push({ ot, fields });
    return Promise.resolve({ ok: true });
  };

  const open = async (options: Partial<UcpSessionOptions> = {}) => {
    const session = await UcpSession.open({
      host: '127.0.0.1',
      port: smsc.port,
      address: '1234',
      password: 'secret',
      window: 10,
      responseTimeoutMs: 2_000,
      keepAliveMs: 0,
      onInbound,
      ...options,
    });
    sessions.push(session);
    return session;
  };

  beforeEach(async () => {
    inbound.length = 0;
    smsc = await new UcpSimulator({ address: '1234', password: 'secret' }).start();
  });

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy('test over');
    await smsc.stop();
  });

  it('logs in, submits within its window, and gets the SMSC id from the ACK', async () => {
    const session = await open({ window: 3 });
    const answers = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        session.submit(submitFields({ adc: `002547000000${i}`, oadc: 'ACME', text: `hello ${i}` })),
      ),
    );
    expect(answers.every((answer) => answer.kind === 'accepted')).toBe(true);
    expect(answers.map((answer) => answer.kind === 'accepted' && answer.messageId)).toEqual(
      smsc.submits.map((submit) => submit.messageId),
    );
    expect(smsc.submits.map((submit) => submit.text)).toEqual(
      Array.from({ length: 7 }, (_, i) => `hello ${i}`),
    );
    expect(smsc.submits[0].message).toMatchObject({ oadc: 'ACME', alphanumeric: true });
  });

  it('refuses a wrong password with LinkRejectedError carrying EMI code 07', async () => {
    await expect(open({ password: 'wrong' })).rejects.toEqual(expect.any(LinkRejectedError));
    await expect(open({ password: 'wrong' })).rejects.toMatchObject({ code: 7 });
  });

  it('returns a NACK as refused with its code and name', async () => {
    smsc.options.onSubmit = () => ({ nack: 24 });
    const session = await open();
    await expect(session.submit(submitFields({ adc: '001', oadc: '2', text: 'x' }))).resolves.toEqual({
      kind: 'refused',
      code: 24,
      name: 'EC 24 (message too long)',
    });
  });

  it('times out an unanswered submit as retryable and closes the session', async () => {
    smsc.options.onSubmit = () => ({ noResponse: true });
    const session = await open({ responseTimeoutMs: 200 });
    await expect(session.submit(submitFields({ adc: '001', oadc: '2', text: 'x' }))).rejects.toEqual(
      expect.any(LinkRetryableError),
    );
    await session.closed;
    expect(session.isOpen).toBe(false);
  });

  it('answers notifications (53) and MOs (52) with an ACK only once the handler resolved', async () => {
    let release!: () => void;
    const handler: UcpInboundHandler = (ot, fields) => {
      inbound.push({ ot, fields });
      return new Promise((resolve) => (release = () => resolve({ ok: true })));
    };
    await open({ onInbound: handler });
    const answered = smsc.deliverMo({ from: '254711', to: '22000', text: 'hi there' });
    await waitFor(() => inbound.length === 1, {
      timeoutMs: 2_000,
      intervalMs: 10,
      message: 'the MO handed over',
    });
    expect(smsc.answers).toEqual([]);
    release();
    await expect(answered).resolves.toEqual([{ ok: true, sm: '' }]);
    expect(inbound[0]).toMatchObject({ ot: 52, fields: { OAdC: '254711', AdC: '22000', MT: '3' } });
  });

  it('closes only after the SMSC operations in progress are answered (a drain loses no notification)', async () => {
    let release!: () => void;
    const session = await open({
      onInbound: () => new Promise((resolve) => (release = () => resolve({ ok: true }))),
    });
    const answered = smsc.deliverMo({ from: '254711', to: '22000', text: 'in flight at shutdown' });
    await waitFor(() => release !== undefined, {
      timeoutMs: 2_000,
      intervalMs: 10,
      message: 'the MO handed over',
    });
    let closed = false;
    const closing = session.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    release();
    await closing;
    await expect(answered).resolves.toEqual([{ ok: true, sm: '' }]);
  });

  it('NACKs what the handler refuses, with its code', async () => {
    await open({ onInbound: () => Promise.resolve({ ok: false, code: 4 }) });
    await expect(smsc.deliverMo({ from: '254711', to: '22000', text: 'no' })).resolves.toEqual([
      { ok: false, code: 4, sm: '' },
    ]);
  });

  it('keeps an idle connection alive with operation 31, and gives up on a silent SMSC', async () => {
    const session = await open({ keepAliveMs: 100, responseTimeoutMs: 300 });
    await waitFor(() => smsc.alerts >= 2, { timeoutMs: 2_000, intervalMs: 20, message: 'two alerts' });
    expect(session.isOpen).toBe(true);
    smsc.options.silent = true;
    await expect(session.closed).resolves.toContain('unanswered');
  });

  it('NACKs an operation with a bad checksum with code 01 under its TRN, and stays open', async () => {
    // An SMSC of the test's own: it accepts the login, then sends a 52 whose checksum is wrong.
    const received: string[] = [];
    const server = createServer((socket) => {
      const framer = new UcpFramer();
      socket.on('data', (chunk: Buffer) => {
        for (const frame of framer.push(chunk)) {
          if (frame instanceof UcpDecodeError) continue;
          if (frame.ot === 60) {
            socket.write(encodeFrame({ trn: frame.trn, kind: 'R', ot: 60, fields: ['A', ''] }));
            socket.write('\x0207/00035/O/52/0234765439845/0139/FF\x03');
          } else received.push(`${frame.kind}/${frame.trn}/${frame.ot}/${frame.fields.join('/')}`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const session = await UcpSession.open({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        address: '1234',
        password: 'secret',
        window: 1,
        responseTimeoutMs: 2_000,
        keepAliveMs: 0,
      });
      sessions.push(session);
      await waitFor(() => received.length === 1, { timeoutMs: 2_000, intervalMs: 10, message: 'the NACK' });
      expect(received).toEqual(['R/7/52/N/01/']);
      expect(session.isOpen).toBe(true);
    } finally {
      for (const session of sessions.splice(0)) session.destroy('test over');
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('UcpSession over TLS', () => {
  it('logs in and submits over TLS, trusting the certificate it was given', async () => {
    const certificate = selfSignedCertificate();
    const smsc = await new UcpSimulator({ address: '1234', password: 'secret' }).start(0, '127.0.0.1', {
      cert: certificate.cert,
      key: readFileSync(certificate.keyFile),
    });
    try {
      const session = await UcpSession.open({
        host: '127.0.0.1',
        port: smsc.port,
        tls: { ca: certificate.cert },
        address: '1234',
        password: 'secret',
        window: 2,
        responseTimeoutMs: 2_000,
        keepAliveMs: 0,
      });
      await expect(
        session.submit(submitFields({ adc: '001', oadc: '2', text: 'over TLS' })),
      ).resolves.toMatchObject({
        kind: 'accepted',
      });
      expect(smsc.submits.map((submit) => submit.text)).toEqual(['over TLS']);
      session.destroy('done');
      // A client that does not trust the certificate never logs in.
      await expect(
        UcpSession.open({
          host: '127.0.0.1',
          port: smsc.port,
          tls: true,
          address: '1234',
          password: 'secret',
          window: 1,
          responseTimeoutMs: 2_000,
          keepAliveMs: 0,
        }),
      ).rejects.toEqual(expect.any(LinkRetryableError));
    } finally {
      await smsc.stop();
    }
  });
});
