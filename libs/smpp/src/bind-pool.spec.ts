import { SmscSimulator, waitFor } from '@smsgate/testing';
import { BindPool, BindPoolOptions, BindsUnavailableError } from './bind-pool';
import { Status } from './constants';
import { shortMessage, ShortMessagePdu } from './pdu';
import { receiptOf } from './receipt';
import { decodeText } from './text';

const submitPdu = (text: string): ShortMessagePdu =>
  shortMessage('submit_sm', {
    source: { ton: 5, npi: 0, addr: 'SMSGATE' },
    destination: { ton: 1, npi: 1, addr: '254712345678' },
    registeredDelivery: 1,
    shortMessage: Buffer.from(text, 'latin1'),
  });

describe('BindPool against the SMSC simulator', () => {
  let smsc: SmscSimulator;
  const pools: BindPool[] = [];
  const inbound: ShortMessagePdu[] = [];

  const pool = (
    overrides: Partial<BindPoolOptions> = {},
    session: Partial<BindPoolOptions['session']> = {},
  ) => {
    const created = new BindPool({
      session: {
        host: '127.0.0.1',
        port: smsc.port,
        systemId: 'smsgate',
        password: 'secret',
        window: 10,
        responseTimeoutMs: 2_000,
        enquireLinkMs: 30_000,
        ...session,
      },
      mode: 'transceiver',
      binds: 1,
      reconnectInitialMs: 20,
      reconnectMaxMs: 200,
      onInbound: async (pdu) => {
        if (pdu.command === 'deliver_sm') inbound.push(pdu);
        return { status: Status.ESME_ROK };
      },
      ...overrides,
    });
    pools.push(created);
    created.start();
    return created;
  };

  beforeEach(async () => {
    smsc = await new SmscSimulator({ systemId: 'smsgate', password: 'secret' }).start();
    inbound.length = 0;
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.stop()));
    await smsc.stop();
  });

  it('binds, submits, and receives the receipt of the submit through the inbound handler', async () => {
    const binds = pool();
    const result = await binds.submit(submitPdu('hello'));
    expect(result).toMatchObject({ kind: 'accepted', messageId: smsc.submits[0].messageId, bind: 'trx-1' });
    const receipt = await waitFor(() => inbound[0], { message: 'the receipt' });
    expect(receiptOf(receipt, decodeText(receipt.shortMessage, receipt.dataCoding))).toMatchObject({
      messageId: smsc.submits[0].messageId,
      stat: 'DELIVRD',
    });
    expect(binds.snapshot()).toEqual([
      expect.objectContaining({ id: 'trx-1', state: 'bound', submitted: 1, outstanding: 0 }),
    ]);
  });

  it('keeps at most `window` submit_sm outstanding and refills the window as answers come', async () => {
    smsc.options.onSubmit = () => ({ hold: true });
    const binds = pool({}, { window: 5, responseTimeoutMs: 30_000 });
    const results = Promise.all(
      Array.from({ length: 12 }, (_, index) => binds.submit(submitPdu(`m${index}`))),
    );
    await waitFor(() => smsc.received === 5, { message: '5 submits in flight' });
    expect(binds.snapshot()[0].outstanding).toBe(5);
    smsc.releaseHeld(2);
    await waitFor(() => smsc.received === 7, { message: 'the window refilled by 2' });
    expect(smsc.held).toHaveLength(5);
    smsc.options.onSubmit = undefined;
    const drain = setInterval(() => smsc.releaseHeld(), 10);
    try {
      expect((await results).every((result) => result.kind === 'accepted')).toBe(true);
    } finally {
      clearInterval(drain);
    }
    expect(smsc.received).toBe(12);
  });

  it('gives a place freed in the window to a part that came while it was full, at once', async () => {
    smsc.options.onSubmit = () => ({ hold: true });
    const binds = pool({}, { window: 2, responseTimeoutMs: 30_000 });
    const first = Promise.all([binds.submit(submitPdu('a')), binds.submit(submitPdu('b'))]);
    await waitFor(() => smsc.received === 2, { message: 'the window full' });
    // These find the window full: they wait for the pool, not for the session.
    const late = Promise.all(Array.from({ length: 6 }, (_, i) => binds.submit(submitPdu(`late${i}`))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    smsc.options.onSubmit = undefined;
    const started = Date.now();
    smsc.releaseHeld();
    await first;
    await late;
    // Each freed place is taken at once; waiting for the pool's next look took a second per window.
    expect(Date.now() - started).toBeLessThan(500);
    expect(smsc.received).toBe(8);
  });

  it('slows down and retries on ESME_RTHROTTLED and ESME_RMSGQFUL', async () => {
    let answers = 0;
    smsc.options.onSubmit = () => {
      answers += 1;
      return answers <= 2
        ? { status: Status.ESME_RTHROTTLED }
        : answers === 3
          ? { status: Status.ESME_RMSGQFUL }
          : {};
    };
    const binds = pool();
    await expect(binds.submit(submitPdu('x'))).resolves.toMatchObject({ kind: 'accepted' });
    expect(smsc.received).toBe(4);
    expect(binds.snapshot()[0].throttled).toBe(3);
  });

  it('returns other error statuses with their name, without retrying', async () => {
    smsc.options.onSubmit = () => ({ status: Status.ESME_RINVDSTADR });
    const binds = pool();
    await expect(binds.submit(submitPdu('x'))).resolves.toMatchObject({
      kind: 'refused',
      status: 0x0b,
      statusName: 'ESME_RINVDSTADR',
    });
    expect(smsc.received).toBe(1);
  });

  it('recycles the bind when a response times out and submits the message again', async () => {
    smsc.options.onSubmit = () => (smsc.received === 1 ? { noResponse: true } : {});
    const binds = pool({}, { responseTimeoutMs: 300 });
    await expect(binds.submit(submitPdu('x'))).resolves.toMatchObject({ kind: 'accepted' });
    expect(smsc.received).toBe(2);
    expect(smsc.bindAttempts.length).toBe(2);
    expect(binds.snapshot()[0].reconnects).toBeGreaterThanOrEqual(1);
  });

  it('loses nothing when the SMSC drops the connection in the middle of a window', async () => {
    smsc.options.onSubmit = () => (smsc.received === 6 ? { disconnect: true } : { delayMs: 5 });
    const binds = pool({ binds: 2 }, { window: 10 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) => binds.submit(submitPdu(`m${index}`))),
    );
    expect(results.every((result) => result.kind === 'accepted')).toBe(true);
    const accepted = new Set(smsc.submits.map((submit) => decodeText(submit.pdu.shortMessage, 0)));
    expect(accepted.size).toBe(40);
  });

  it('stops at a rejected bind, reports the SMSC status, and does not retry', async () => {
    const failed: number[] = [];
    const binds = pool({ onBindFailed: (status) => failed.push(status), binds: 2 }, { password: 'wrong' });
    await waitFor(() => binds.state === 'bind_failed', { message: 'bind_failed' });
    expect(failed).toEqual([Status.ESME_RINVPASWD]);
    await expect(binds.submit(submitPdu('x'))).rejects.toBeInstanceOf(BindsUnavailableError);
    await binds.stop();
    expect(smsc.bindAttempts.length).toBeLessThanOrEqual(2);
    expect(
      binds
        .snapshot()
        .some((bind) => bind.state === 'bind_failed' && bind.lastError === 'bind rejected: ESME_RINVPASWD'),
    ).toBe(true);
  });

  it('treats an SMSC that stops answering enquire_link as dead and reconnects', async () => {
    smsc.options.silent = true;
    const binds = pool({}, { enquireLinkMs: 50, responseTimeoutMs: 150 });
    await waitFor(() => smsc.bindAttempts.length >= 2, { message: 'a second bind after the silent link' });
    expect(binds.snapshot()[0].lastError ?? '').toMatch(/enquire_link|connection closed/);
  });

  it('opens transmitter + receiver pairs, submits on the transmitter and receives on the receiver', async () => {
    smsc.options.allowModes = ['transmitter', 'receiver'];
    const binds = pool({ mode: 'transmitter_receiver', binds: 2 });
    await waitFor(() => smsc.boundCount === 4, { message: '4 binds' });
    await expect(binds.submit(submitPdu('pair'))).resolves.toMatchObject({
      kind: 'accepted',
      bind: expect.stringMatching(/^tx-/),
    });
    await waitFor(() => inbound.length === 1, { message: 'the receipt on the receiver' });
    expect(smsc.bindAttempts.map((attempt) => attempt.mode).sort()).toEqual([
      'receiver',
      'receiver',
      'transmitter',
      'transmitter',
    ]);
  });

  it('answers an MO with the status the handler gives, only once it resolved', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    pool({
      onInbound: async () => {
        await gate;
        return { status: Status.ESME_RX_T_APPN };
      },
    });
    await waitFor(() => smsc.boundCount === 1, { message: 'bound' });
    const answer = smsc.deliverMo({
      from: { ton: 1, npi: 1, addr: '254712345678' },
      to: { ton: 0, npi: 0, addr: '22000' },
      text: 'hi',
    });
    await waitFor(() => smsc.deliverResponses.length === 0 && smsc.boundCount === 1, { message: 'pending' });
    release();
    await expect(answer).resolves.toEqual([Status.ESME_RX_T_APPN]);
  });
});
