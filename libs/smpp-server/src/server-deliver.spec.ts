import {
  Pdu,
  ResponseTimeoutError,
  SessionClosedError,
  ShortMessagePdu,
  SmppEncodeError,
  Status,
  statusName,
  UnknownPdu,
} from '@smsgate/smpp';
import type { DeliverSmFields } from './deliver';
import type { SmppServer } from './server';
import type { SmppServerSession } from './server-session';
import { account, FakeDirectory, FakeSink, RawClient, startServer, until } from './smpp-server.testing';

const fields = (text = 'hello', extra: Partial<DeliverSmFields> = {}): DeliverSmFields => ({
  sourceAddr: '+254712345678',
  destAddr: 'ACME',
  esmClass: 0,
  dataCoding: 0,
  shortMessage: Buffer.from(text),
  ...extra,
});

const isDeliver = (pdu: Pdu | UnknownPdu): pdu is ShortMessagePdu => pdu.command === 'deliver_sm';
const delivers = (raw: RawClient) => raw.received.filter(isDeliver);
const textOf = (pdu: ShortMessagePdu) => pdu.shortMessage.toString();

/** The ESME's answer to one deliver_sm. */
const answer = (raw: RawClient, pdu: ShortMessagePdu, status: number = Status.ESME_ROK) =>
  raw.send({ command: 'deliver_sm_resp', status, sequence: pdu.sequence, messageId: '', optional: {} });

describe('SmppServerSession sending deliver_sm', () => {
  let server: SmppServer;
  let port: number;
  const clients: RawClient[] = [];
  const events: { event: string; detail: Record<string, unknown> }[] = [];

  const start = async (options: Partial<Parameters<typeof startServer>[0]> = {}) => {
    ({ server, port } = await startServer({
      directory: new FakeDirectory().add({ password: 'secret1', account: account() }),
      sink: new FakeSink(),
      onEvent: (event, detail) => events.push({ event, detail }),
      ...options,
    }));
  };
  const bound = async (mode: 'transmitter' | 'receiver' | 'transceiver' = 'transceiver') => {
    const raw = await RawClient.connect(port);
    clients.push(raw);
    expect(statusName((await raw.bind(mode, 'esme1', 'secret1')).status)).toBe('ESME_ROK');
    return raw;
  };
  /** The server side of the one bound session. */
  const session = (): SmppServerSession => {
    const [only] = [...server.sessions].filter((candidate) => candidate.isBound);
    return only;
  };
  const eventNames = () => events.map((entry) => entry.event);

  beforeEach(() => {
    events.length = 0;
  });

  afterEach(async () => {
    for (const raw of clients.splice(0)) raw.close();
    await server?.close();
  });

  describe('on binds', () => {
    beforeEach(() => start());

    it.each(['receiver', 'transceiver'] as const)(
      'delivers on a %s bind and resolves with the deliver_sm_resp status',
      async (mode) => {
        const raw = await bound(mode);
        const [receiver] = server.registry.receivers('acc-1');
        expect(receiver).toBe(session());
        expect(receiver.deliverCapacity).toBe(10);
        const delivered = receiver.deliver(
          fields('id:1 stat:DELIVRD', {
            esmClass: 0x04,
            registeredDelivery: 0,
            receiptedMessageId: 'msg-1',
            messageState: 2,
          }),
        );
        const pdu = (await raw.waitFor(isDeliver)) as ShortMessagePdu;
        expect(pdu).toMatchObject({
          source: { ton: 1, npi: 1, addr: '254712345678' },
          destination: { ton: 5, npi: 0, addr: 'ACME' },
          esmClass: 0x04,
          dataCoding: 0,
          optional: { receiptedMessageId: 'msg-1', messageState: 2 },
        });
        expect(textOf(pdu)).toBe('id:1 stat:DELIVRD');
        expect(receiver.deliverCapacity).toBe(9);
        answer(raw, pdu);
        await expect(delivered).resolves.toBe(Status.ESME_ROK);
        expect(receiver.deliverCapacity).toBe(10);
      },
    );

    it('refuses to deliver on a transmitter bind, which receivers() does not list', async () => {
      const raw = await bound('transmitter');
      expect(server.registry.receivers('acc-1')).toEqual([]);
      expect(session().deliverCapacity).toBe(0);
      await expect(session().deliver(fields())).rejects.toThrow(SessionClosedError);
      await expect(session().deliver(fields())).rejects.toThrow('session bound as transmitter');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(delivers(raw)).toEqual([]);
    });

    it('lists every receiving session of the account and none of another', async () => {
      await bound('receiver');
      await bound('transceiver');
      await bound('transmitter');
      expect(server.registry.receivers('acc-1').map((receiver) => receiver.mode)).toEqual([
        'receiver',
        'transceiver',
      ]);
      expect(server.registry.receivers('acc-other')).toEqual([]);
    });

    it('passes the ESME’s error status through', async () => {
      const raw = await bound();
      const delivered = session().deliver(fields());
      answer(raw, (await raw.waitFor(isDeliver)) as ShortMessagePdu, Status.ESME_RSYSERR);
      await expect(delivered).resolves.toBe(Status.ESME_RSYSERR);
    });

    it('resolves with the status of a generic_nack of the delivery’s sequence', async () => {
      const raw = await bound();
      const delivered = session().deliver(fields());
      const pdu = await raw.waitFor(isDeliver);
      raw.send({ command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: pdu.sequence });
      await expect(delivered).resolves.toBe(Status.ESME_RINVCMDID);
    });

    it('ignores responses to nothing it sent, with an event, and keeps the session', async () => {
      const raw = await bound();
      const delivered = session().deliver(fields());
      const pdu = (await raw.waitFor(isDeliver)) as ShortMessagePdu;
      raw.send({ command: 'deliver_sm_resp', status: 0, sequence: 9999, messageId: '', optional: {} });
      // Another command's response on the delivery's sequence does not answer it.
      raw.send({ command: 'enquire_link_resp', status: 0, sequence: pdu.sequence });
      raw.send({ command: 'submit_sm_resp', status: 0, sequence: 77, messageId: 'x', optional: {} });
      await until(() => eventNames().filter((name) => name === 'unexpected-response').length === 3);
      expect(
        events.filter((entry) => entry.event === 'unexpected-response').map((entry) => entry.detail),
      ).toEqual([
        expect.objectContaining({ command: 'deliver_sm_resp', sequence: 9999 }),
        expect.objectContaining({ command: 'enquire_link_resp', sequence: pdu.sequence }),
        expect.objectContaining({ command: 'submit_sm_resp', sequence: 77 }),
      ]);
      answer(raw, pdu);
      await expect(delivered).resolves.toBe(Status.ESME_ROK);
      expect(raw.open).toBe(true);
    });
  });

  it('emits bound, and closed with the account once receivers() no longer lists the session', async () => {
    const listedAtClose: number[] = [];
    await start({
      onEvent: (event, detail) => {
        events.push({ event, detail });
        if (event === 'closed') listedAtClose.push(server.registry.receivers('acc-1').length);
      },
    });
    const raw = await bound('receiver');
    expect(events.find((entry) => entry.event === 'bound')?.detail).toMatchObject({
      accountId: 'acc-1',
      mode: 'receiver',
    });
    raw.close();
    await until(() => listedAtClose.length === 1);
    expect(listedAtClose).toEqual([0]);
    expect(events.find((entry) => entry.event === 'closed')?.detail).toMatchObject({ accountId: 'acc-1' });
  });

  describe('window', () => {
    it('sends 10 at once; the 11th waits for an answer, callers go in order', async () => {
      await start();
      const raw = await bound();
      const results = Array.from({ length: 12 }, (_, index) => session().deliver(fields(`m${index + 1}`)));
      await until(() => delivers(raw).length === 10);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(delivers(raw).map(textOf)).toEqual(Array.from({ length: 10 }, (_, index) => `m${index + 1}`));
      expect(session().deliverCapacity).toBe(0);
      answer(raw, delivers(raw)[3]);
      await until(() => delivers(raw).length === 11);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(delivers(raw).map(textOf).slice(10)).toEqual(['m11']);
      for (const pdu of delivers(raw).filter((_, index) => index !== 3)) answer(raw, pdu);
      await until(() => delivers(raw).length === 12);
      answer(raw, delivers(raw)[11]);
      expect(await Promise.all(results)).toEqual(Array(12).fill(Status.ESME_ROK));
      expect(session().deliverCapacity).toBe(10);
    });

    it('takes its size from deliverWindow', async () => {
      await start({ deliverWindow: 2 });
      const raw = await bound();
      const results = [1, 2, 3].map((index) => session().deliver(fields(`m${index}`)));
      await until(() => delivers(raw).length === 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(delivers(raw)).toHaveLength(2);
      for (const pdu of delivers(raw)) answer(raw, pdu);
      await until(() => delivers(raw).length === 3);
      answer(raw, delivers(raw)[2]);
      expect(await Promise.all(results)).toEqual([0, 0, 0]);
    });
  });

  describe('failures', () => {
    it('rejects a delivery unanswered within responseTimeoutMs and closes the session', async () => {
      await start({ responseTimeoutMs: 300 });
      const raw = await bound();
      const unanswered = session()
        .deliver(fields('one'))
        .catch((error: Error) => error);
      const other = session()
        .deliver(fields('two'))
        .catch((error: Error) => error);
      expect(await unanswered).toBeInstanceOf(ResponseTimeoutError);
      // The first timeout closed the session, and with it the other delivery.
      expect(await other).toBeInstanceOf(SessionClosedError);
      await raw.closed;
      expect(server.registry.receivers('acc-1')).toEqual([]);
      expect(eventNames()).toContain('response-timeout');
    });

    it('rejects deliveries in flight and waiting when the connection closes', async () => {
      await start({ deliverWindow: 1 });
      const raw = await bound();
      const inFlight = session()
        .deliver(fields('one'))
        .catch((error: Error) => error);
      const waiting = session()
        .deliver(fields('two'))
        .catch((error: Error) => error);
      await raw.waitFor(isDeliver);
      raw.close();
      expect(await inFlight).toBeInstanceOf(SessionClosedError);
      expect(await waiting).toBeInstanceOf(SessionClosedError);
    });
    it('rejects a deliver_sm that cannot be encoded and frees its slot', async () => {
      await start({ deliverWindow: 1 });
      const raw = await bound();
      await expect(session().deliver(fields('x'.repeat(255)))).rejects.toThrow(SmppEncodeError);
      expect(session().deliverCapacity).toBe(1);
      const delivered = session().deliver(fields('fits'));
      answer(raw, (await raw.waitFor(isDeliver)) as ShortMessagePdu);
      await expect(delivered).resolves.toBe(Status.ESME_ROK);
    });

    it('answers the ESME’s unbind; deliveries it left unanswered fail with the connection', async () => {
      await start({ deliverWindow: 1 });
      const raw = await bound();
      // Caught at once: they fail while the test still waits for unbind_resp.
      const inFlight = session()
        .deliver(fields('one'))
        .catch((error: Error) => error);
      const waiting = session()
        .deliver(fields('two'))
        .catch((error: Error) => error);
      await raw.waitFor(isDeliver);
      const unbound = await raw.request({ command: 'unbind', status: 0, sequence: 0 });
      expect(unbound.command).toBe('unbind_resp');
      expect(await waiting).toBeInstanceOf(SessionClosedError);
      await raw.closed;
      expect(await inFlight).toBeInstanceOf(SessionClosedError);
      expect(delivers(raw)).toHaveLength(1);
    });
  });

  describe('enquire_link', () => {
    it('answers the ESME’s enquire_link', async () => {
      await start();
      const raw = await bound();
      const answerPdu = await raw.request({ command: 'enquire_link', status: 0, sequence: 0 });
      expect(answerPdu.command).toBe('enquire_link_resp');
    });

    it('sends enquire_link when nothing came for enquireLinkIntervalMs; answered, the bind stays past idleTimeoutMs', async () => {
      await start({ enquireLinkIntervalMs: 100, idleTimeoutMs: 400, responseTimeoutMs: 200 });
      const raw = await bound();
      const answered = new Set<number>();
      const responder = setInterval(() => {
        for (const pdu of raw.received)
          if (pdu.command === 'enquire_link' && !answered.has(pdu.sequence)) {
            answered.add(pdu.sequence);
            raw.send({ command: 'enquire_link_resp', status: 0, sequence: pdu.sequence });
          }
      }, 10);
      try {
        await new Promise((resolve) => setTimeout(resolve, 900));
      } finally {
        clearInterval(responder);
      }
      expect(answered.size).toBeGreaterThanOrEqual(3);
      expect(raw.open).toBe(true);
      expect(session().isBound).toBe(true);
      expect(eventNames()).not.toContain('idle-timeout');
    });

    it('closes the session when its enquire_link goes unanswered within responseTimeoutMs', async () => {
      await start({ enquireLinkIntervalMs: 100, responseTimeoutMs: 200 });
      const raw = await bound('receiver');
      const enquire = await raw.waitFor((pdu) => pdu.command === 'enquire_link');
      expect(enquire.sequence).toBeGreaterThan(0);
      await raw.closed;
      expect(server.registry.count('acc-1')).toBe(0);
      expect(events.find((entry) => entry.event === 'closed')?.detail).toMatchObject({
        reason: 'no enquire_link_resp',
      });
    });

    it('sends no enquire_link before the bind', async () => {
      await start({ enquireLinkIntervalMs: 100 });
      const unbound = await RawClient.connect(port);
      clients.push(unbound);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unbound.received).toEqual([]);
    });

    it('sends none with enquireLinkIntervalMs 0', async () => {
      await start({ enquireLinkIntervalMs: 0 });
      const raw = await bound();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(raw.received.map((pdu) => pdu.command)).toEqual(['bind_transceiver_resp']);
    });
  });

  describe('drain', () => {
    it('lets deliveries in flight get their answer before unbind, refuses new ones', async () => {
      await start({ deliverWindow: 1 });
      const raw = await bound();
      const inFlight = session().deliver(fields('one'));
      const waiting = session().deliver(fields('two'));
      const pdu = (await raw.waitFor(isDeliver)) as ShortMessagePdu;
      const target = session();
      const drained = server.drain();
      await expect(waiting).rejects.toThrow('session draining');
      await expect(target.deliver(fields('three'))).rejects.toThrow('session draining');
      expect(target.deliverCapacity).toBe(0);
      expect(server.registry.receivers('acc-1')).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(raw.received.map((received) => received.command)).not.toContain('unbind');
      answer(raw, pdu);
      await expect(inFlight).resolves.toBe(Status.ESME_ROK);
      const unbind = await raw.waitFor((received) => received.command === 'unbind');
      raw.send({ command: 'unbind_resp', status: 0, sequence: unbind.sequence });
      await drained;
      await raw.closed;
      expect(delivers(raw).map(textOf)).toEqual(['one']);
    });
  });
});
