import {
  BindRespPdu,
  buildParts,
  encodePdu,
  MessageIdRespPdu,
  Pdu,
  shortMessage,
  SmppSession,
  Status,
  statusName,
} from '@smsgate/smpp';
import type { SmppServer } from './server';
import {
  account,
  FakeDirectory,
  FakeSink,
  RawClient,
  startServer,
  submitSm,
  until,
} from './smpp-server.testing';

const statusOf = (pdu: Pdu | { status: number }) => statusName(pdu.status);

describe('SmppServerSession', () => {
  let server: SmppServer;
  let port: number;
  let directory: FakeDirectory;
  let sink: FakeSink;
  const clients: RawClient[] = [];
  const events: { event: string; detail: Record<string, unknown> }[] = [];

  const start = async (options: Partial<Parameters<typeof startServer>[0]> = {}) => {
    ({ server, port } = await startServer({
      directory,
      sink,
      onEvent: (event, detail) => events.push({ event, detail }),
      ...options,
    }));
  };
  const client = async () => {
    const raw = await RawClient.connect(port);
    clients.push(raw);
    return raw;
  };
  const bound = async (
    mode: 'transmitter' | 'receiver' | 'transceiver' = 'transceiver',
    systemId = 'esme1',
  ) => {
    const raw = await client();
    const answer = await raw.bind(mode, systemId, 'secret1');
    expect(statusOf(answer)).toBe('ESME_ROK');
    return raw;
  };

  beforeEach(() => {
    directory = new FakeDirectory()
      .add({ password: 'secret1', account: account({ allowedSources: ['ACME', '+254700000001'] }) })
      .add({ password: 'secret1', account: account({ id: 'acc-2', systemId: 'single', maxBinds: 1 }) })
      .add({
        password: 'secret1',
        account: account({ id: 'acc-3', systemId: 'txonly' }),
        modes: ['transmitter'],
      })
      .add({ password: 'secret1', account: account({ id: 'acc-4', systemId: 'slow', tps: 2 }) });
    sink = new FakeSink();
    events.length = 0;
  });

  afterEach(async () => {
    for (const raw of clients.splice(0)) raw.close();
    await server?.close();
  });

  describe('bind', () => {
    beforeEach(() => start());

    it.each(['transmitter', 'receiver', 'transceiver'] as const)(
      'binds as %s with the server system_id and sc_interface_version',
      async (mode) => {
        const raw = await client();
        const answer = (await raw.bind(mode, 'esme1', 'secret1')) as BindRespPdu;
        expect(answer.command).toBe(`bind_${mode}_resp`);
        expect(statusOf(answer)).toBe('ESME_ROK');
        expect(answer.systemId).toBe('smsgate');
        expect(answer.optional.scInterfaceVersion).toBe(0x34);
        expect(directory.calls.at(-1)).toEqual({ systemId: 'esme1', mode, remoteAddress: '127.0.0.1' });
        expect(server.registry.list()).toEqual([
          expect.objectContaining({ accountId: 'acc-1', systemId: 'esme1', mode }),
        ]);
      },
    );

    it.each([
      ['nobody', 'secret1', 'ESME_RINVSYSID'],
      ['esme1', 'wrong', 'ESME_RINVPASWD'],
    ])('refuses %s / %s with %s and closes the connection', async (systemId, password, status) => {
      const raw = await client();
      const answer = (await raw.bind('transceiver', systemId, password)) as BindRespPdu;
      expect(statusOf(answer)).toBe(status);
      expect(answer.systemId).toBe('smsgate');
      await raw.closed;
      expect(server.registry.list()).toEqual([]);
    });

    it('refuses a mode the directory does not allow with ESME_RBINDFAIL', async () => {
      const raw = await client();
      expect(statusOf(await raw.bind('receiver', 'txonly', 'secret1'))).toBe('ESME_RBINDFAIL');
    });

    it('refuses a bind over the account’s maxBinds with ESME_RBINDFAIL, and takes it once one unbound', async () => {
      const first = await bound('transceiver', 'single');
      const second = await client();
      expect(statusOf(await second.bind('transceiver', 'single', 'secret1'))).toBe('ESME_RBINDFAIL');
      await second.closed;
      expect(statusOf(await first.request({ command: 'unbind', status: 0, sequence: 0 }))).toBe('ESME_ROK');
      await first.closed;
      await until(() => server.registry.count('acc-2') === 0);
      await bound('transceiver', 'single');
    });

    describe('with a bind ledger (binds across replicas)', () => {
      const ledger = { held: new Set<string>(), refuse: false, fail: false, released: [] as string[] };
      beforeEach(async () => {
        Object.assign(ledger, { held: new Set<string>(), refuse: false, fail: false, released: [] });
        await server.close();
        await start({
          bindLedger: {
            claim: async (_account, bind) => {
              if (ledger.fail) throw new Error('database unreachable');
              if (ledger.refuse) return false;
              ledger.held.add(bind.sessionId);
              return true;
            },
            release: (_accountId, sessionId) => {
              ledger.held.delete(sessionId);
              ledger.released.push(sessionId);
            },
          },
        });
      });

      it('claims an accepted bind and releases it when the session ends', async () => {
        const raw = await bound();
        const [session] = server.registry.list();
        expect([...ledger.held]).toEqual([session.sessionId]);
        expect(statusOf(await raw.request({ command: 'unbind', status: 0, sequence: 0 }))).toBe('ESME_ROK');
        await until(() => ledger.released.length === 1);
        expect(ledger.held.size).toBe(0);
      });

      it('refuses with ESME_RBINDFAIL what the ledger refuses (maxBinds on other replicas), holding nothing', async () => {
        ledger.refuse = true;
        const raw = await client();
        expect(statusOf(await raw.bind('transceiver', 'esme1', 'secret1'))).toBe('ESME_RBINDFAIL');
        await raw.closed;
        expect(server.registry.list()).toEqual([]);
        expect(events.find((e) => e.event === 'bind-refused')?.detail.reason).toContain('across replicas');
      });

      it('answers ESME_RSYSERR when the ledger cannot be reached, holding nothing', async () => {
        ledger.fail = true;
        const raw = await client();
        expect(statusOf(await raw.bind('transceiver', 'esme1', 'secret1'))).toBe('ESME_RSYSERR');
        await raw.closed;
        expect(server.registry.list()).toEqual([]);
      });
    });

    it('answers a second bind on a bound session with ESME_RALYBND and keeps the session', async () => {
      const raw = await bound();
      expect(statusOf(await raw.bind('transmitter', 'esme1', 'secret1'))).toBe('ESME_RALYBND');
      expect(statusOf(await raw.request({ command: 'enquire_link', status: 0, sequence: 0 }))).toBe(
        'ESME_ROK',
      );
      expect(statusOf(await raw.submit())).toBe('ESME_ROK');
    });

    it('answers requests before the bind with ESME_RINVBNDSTS, enquire_link with ESME_ROK', async () => {
      const raw = await client();
      const submit = await raw.submit();
      expect(submit.command).toBe('submit_sm_resp');
      expect(statusOf(submit)).toBe('ESME_RINVBNDSTS');
      const enquire = await raw.request({ command: 'enquire_link', status: 0, sequence: 0 });
      expect(enquire.command).toBe('enquire_link_resp');
      expect(statusOf(enquire)).toBe('ESME_ROK');
      expect(sink.received).toHaveLength(0);
      const unbind = await raw.request({ command: 'unbind', status: 0, sequence: 0 });
      expect([unbind.command, statusOf(unbind)]).toEqual(['unbind_resp', 'ESME_ROK']);
      await raw.closed;
    });

    it('answers a directory failure with ESME_RSYSERR', async () => {
      directory.authenticate = () => Promise.reject(new Error('database away'));
      const raw = await client();
      expect(statusOf(await raw.bind('transceiver', 'esme1', 'secret1'))).toBe('ESME_RSYSERR');
      await raw.closed;
    });

    it('never logs the password', async () => {
      const raw = await client();
      await raw.bind('transceiver', 'esme1', 'wrong99');
      await raw.closed;
      await bound();
      expect(JSON.stringify(events)).not.toMatch(/wrong99|secret1/);
      expect(events.map((entry) => entry.event)).toEqual(expect.arrayContaining(['bind-refused', 'bound']));
    });
  });

  describe('submit', () => {
    beforeEach(() => start({ window: 3 }));

    it('hands the decoded message to the sink and answers with its id', async () => {
      const raw = await bound('transmitter');
      const answer = (await raw.submit({ registeredDelivery: 1 })) as MessageIdRespPdu;
      expect([answer.command, statusOf(answer), answer.messageId]).toEqual([
        'submit_sm_resp',
        'ESME_ROK',
        'msg-1',
      ]);
      expect(sink.accepted).toEqual([
        expect.objectContaining({
          account: expect.objectContaining({ id: 'acc-1' }),
          command: 'submit_sm',
          to: '+254712345678',
          from: 'ACME',
          text: 'hello',
          registeredDelivery: 1,
        }),
      ]);
    });

    it('answers only once the sink resolved', async () => {
      const raw = await bound();
      sink.hold = true;
      const answer = raw.submit();
      await until(() => sink.heldCount === 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(raw.received.filter((pdu) => pdu.command === 'submit_sm_resp')).toHaveLength(0);
      sink.release();
      expect(statusOf(await answer)).toBe('ESME_ROK');
    });

    it('answers a failed sink ESME_RSYSERR without a message id', async () => {
      const raw = await bound();
      sink.answer = () => new Error('kafka away');
      const answer = (await raw.submit()) as MessageIdRespPdu;
      expect(statusOf(answer)).toBe('ESME_RSYSERR');
      expect(answer.messageId).toBe('');
      // The header alone: no message_id field at all.
      expect(raw.frames.at(-1)!.readUInt32BE(0)).toBe(16);
      expect(sink.accepted).toHaveLength(0);
    });

    it('answers the status a refusing sink gives (ESME_RTHROTTLED)', async () => {
      const raw = await bound();
      sink.answer = () => ({ ok: false, status: Status.ESME_RTHROTTLED });
      const answer = (await raw.submit()) as MessageIdRespPdu;
      expect([statusOf(answer), answer.messageId]).toEqual(['ESME_RTHROTTLED', '']);
    });

    it('accepts data_sm with message_payload and answers data_sm_resp', async () => {
      const raw = await bound();
      const answer = await raw.request<MessageIdRespPdu>({
        command: 'data_sm',
        status: 0,
        sequence: 0,
        serviceType: '',
        source: { ton: 1, npi: 1, addr: '254700000001' },
        destination: { ton: 1, npi: 1, addr: '254712345678' },
        esmClass: 0,
        registeredDelivery: 0,
        dataCoding: 8,
        optional: { messagePayload: Buffer.from('0048006900200263', 'hex') },
      });
      expect([answer.command, statusOf(answer), answer.messageId]).toEqual([
        'data_sm_resp',
        'ESME_ROK',
        'msg-1',
      ]);
      expect(sink.accepted[0]).toEqual(
        expect.objectContaining({ command: 'data_sm', from: '+254700000001', text: 'Hi ɣ' }),
      );
    });

    it('refuses a submit on a receiver bind with ESME_RINVBNDSTS', async () => {
      const raw = await bound('receiver');
      expect(statusOf(await raw.submit())).toBe('ESME_RINVBNDSTS');
      expect(sink.received).toHaveLength(0);
    });

    it.each([
      ['an impossible destination', 'ESME_RINVDSTADR', { destination: { ton: 1, npi: 1, addr: '12' } }],
      ['an empty destination', 'ESME_RINVDSTADR', { destination: { ton: 0, npi: 0, addr: '' } }],
      ['a source not allowed', 'ESME_RINVSRCADR', { source: { ton: 5, npi: 0, addr: 'OTHER' } }],
      ['data_coding 4 (binary)', 'ESME_RINVDCS', { dataCoding: 4 }],
      ['data_coding 0xF0', 'ESME_RINVDCS', { dataCoding: 0xf0 }],
      ['an empty message', 'ESME_RINVMSGLEN', { shortMessage: Buffer.alloc(0) }],
      [
        'both short_message and message_payload',
        'ESME_RINVMSGLEN',
        { optional: { messagePayload: Buffer.from('more') } },
      ],
      ['odd-length UCS-2', 'ESME_RINVMSGLEN', { dataCoding: 8, shortMessage: Buffer.from([0, 0x41, 0]) }],
      [
        'a UDH longer than the message',
        'ESME_RINVMSGLEN',
        { esmClass: 0x40, shortMessage: Buffer.from([9, 0, 3]) },
      ],
      ['an ESME acknowledgement', 'ESME_RINVESMCLASS', { esmClass: 0x08 }],
      [
        'two of the three SAR parameters',
        'ESME_RMISSINGOPTPARAM',
        { optional: { sarMsgRefNum: 1, sarTotalSegments: 2 } },
      ],
      [
        'a SAR segment past the total',
        'ESME_RINVOPTPARAMVAL',
        { optional: { sarMsgRefNum: 1, sarTotalSegments: 2, sarSegmentSeqnum: 3 } },
      ],
      [
        'a NUL in Latin-1 text',
        'ESME_RSUBMITFAIL',
        { dataCoding: 3, shortMessage: Buffer.from('a\0b', 'latin1') },
      ],
    ])('refuses %s with %s', async (_name, status, fields) => {
      const raw = await bound();
      const answer = (await raw.submit(fields)) as MessageIdRespPdu;
      expect([answer.command, statusOf(answer), answer.messageId]).toEqual(['submit_sm_resp', status, '']);
      expect(sink.received).toHaveLength(0);
    });

    it('refuses short_message of 255 octets with ESME_RINVMSGLEN', async () => {
      const raw = await bound();
      // The codec will not write more than 254 octets: patch sm_length and the body by hand.
      const bytes = encodePdu({ ...submitSm({ shortMessage: Buffer.alloc(254, 0x41) }), sequence: 77 });
      const patched = Buffer.concat([bytes, Buffer.from([0x41])]);
      patched.writeUInt32BE(patched.length, 0);
      patched[patched.length - 256] = 255;
      raw.sendRaw(patched);
      const answer = await raw.waitFor((pdu) => pdu.sequence === 77);
      expect([answer.command, statusOf(answer)]).toEqual(['submit_sm_resp', 'ESME_RINVMSGLEN']);
    });

    it.each([
      [0, Buffer.from([0x00, 0x11, 0x1b, 0x65]), '@_€'],
      [1, Buffer.from('plain', 'latin1'), 'plain'],
      [3, Buffer.from('café', 'latin1'), 'café'],
      [8, Buffer.from('00d800de', 'hex'), 'ØÞ'],
    ])('decodes data_coding %i', async (dataCoding, octets, text) => {
      const raw = await bound();
      expect(statusOf(await raw.submit({ dataCoding, shortMessage: octets }))).toBe('ESME_ROK');
      expect(sink.accepted[0].text).toBe(text);
    });

    it('accepts any source when the account lists none, and none at all', async () => {
      directory.add({ password: 'secret1', account: account({ id: 'acc-9', systemId: 'open' }) });
      const raw = await bound('transceiver', 'open');
      expect(statusOf(await raw.submit({ source: { ton: 5, npi: 0, addr: 'WHOEVER' } }))).toBe('ESME_ROK');
      expect(statusOf(await raw.submit({ source: { ton: 0, npi: 0, addr: '' } }))).toBe('ESME_ROK');
      expect(sink.accepted.map((submit) => submit.from)).toEqual(['WHOEVER', undefined]);
    });
  });

  describe('window and throughput', () => {
    it('answers submits beyond the window with ESME_RTHROTTLED', async () => {
      await start({ window: 2 });
      const raw = await bound();
      sink.hold = true;
      const first = raw.submit();
      const second = raw.submit();
      await until(() => sink.heldCount === 2);
      const third = await raw.submit();
      expect(statusOf(third)).toBe('ESME_RTHROTTLED');
      sink.release();
      expect([statusOf(await first), statusOf(await second)]).toEqual(['ESME_ROK', 'ESME_ROK']);
      sink.hold = false;
      expect(statusOf(await raw.submit())).toBe('ESME_ROK');
      expect(sink.received).toHaveLength(3);
    });

    it('throttles an account over its tps across its sessions with ESME_RTHROTTLED', async () => {
      await start();
      const one = await bound('transmitter', 'slow');
      const two = await bound('transmitter', 'slow');
      const answers = await Promise.all([one.submit(), two.submit(), one.submit(), two.submit()]);
      expect(answers.map(statusOf).sort()).toEqual([
        'ESME_ROK',
        'ESME_ROK',
        'ESME_RTHROTTLED',
        'ESME_RTHROTTLED',
      ]);
      // The bucket refills at 2 per second.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(statusOf(await one.submit())).toBe('ESME_ROK');
      expect(sink.received).toHaveLength(3);
    });
  });

  describe('long messages', () => {
    beforeEach(() => start({ window: 1 }));
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(8).trim();

    it.each(['udh8', 'udh16', 'sar'] as const)(
      'hands each %s part to the sink on its own, answering each, with a client of window 1',
      async (mode) => {
        const parts = buildParts(text, { preferred: 'gsm7', longMessage: mode, reference: 0x1234 });
        expect(parts).toHaveLength(3);
        const session = await SmppSession.open({
          host: '127.0.0.1',
          port,
          mode: 'transmitter',
          systemId: 'esme1',
          password: 'secret1',
          window: 1,
          responseTimeoutMs: 2_000,
          enquireLinkMs: 60_000,
        });
        try {
          const ids: string[] = [];
          for (const part of parts) {
            const answer = await session.submit(
              shortMessage('submit_sm', {
                source: { ton: 5, npi: 0, addr: 'ACME' },
                destination: { ton: 1, npi: 1, addr: '254712345678' },
                ...part,
              }),
            );
            expect(statusName(answer.status)).toBe('ESME_ROK');
            ids.push(answer.messageId);
          }
          expect(ids).toEqual(['msg-1', 'msg-2', 'msg-3']);
          const reference = mode === 'udh8' ? 0x34 : 0x1234;
          expect(sink.accepted.map((submit) => submit.concatenation)).toEqual(
            [1, 2, 3].map((sequence) => ({
              scheme: mode,
              reference,
              total: 3,
              sequence,
            })),
          );
          expect(sink.accepted.map((submit) => submit.text).join('')).toBe(text);
        } finally {
          await session.close();
        }
      },
    );

    it('takes a long text in message_payload as one message', async () => {
      const raw = await bound();
      const payload = Buffer.from('x'.repeat(2_000), 'latin1');
      const answer = await raw.submit({
        dataCoding: 3,
        shortMessage: Buffer.alloc(0),
        optional: { messagePayload: payload },
      });
      expect(statusOf(answer)).toBe('ESME_ROK');
      expect(sink.accepted[0]).toEqual(expect.objectContaining({ text: 'x'.repeat(2_000) }));
      expect(sink.accepted[0].concatenation).toBeUndefined();
    });

    it('refuses message_payload text longer than smsgate takes with ESME_RINVMSGLEN', async () => {
      const raw = await bound();
      const payload = Buffer.from('x'.repeat(10_001), 'latin1');
      const answer = await raw.submit({
        dataCoding: 3,
        shortMessage: Buffer.alloc(0),
        optional: { messagePayload: payload },
      });
      expect(statusOf(answer)).toBe('ESME_RINVMSGLEN');
    });
  });

  describe('enquire_link, unbind, garbage', () => {
    beforeEach(() => start());

    it('answers enquire_link on a bound session', async () => {
      const raw = await bound();
      const answer = await raw.request({ command: 'enquire_link', status: 0, sequence: 0 });
      expect([answer.command, statusOf(answer)]).toEqual(['enquire_link_resp', 'ESME_ROK']);
    });

    it('answers unbind with unbind_resp, then closes and frees the bind', async () => {
      const raw = await bound();
      const answer = await raw.request({ command: 'unbind', status: 0, sequence: 0 });
      expect([answer.command, statusOf(answer)]).toEqual(['unbind_resp', 'ESME_ROK']);
      await raw.closed;
      await until(() => server.registry.count('acc-1') === 0);
    });

    it('answers submits still with the sink before unbind_resp', async () => {
      const raw = await bound();
      sink.hold = true;
      const submitted = raw.submit();
      await until(() => sink.heldCount === 1);
      const unbound = raw.request({ command: 'unbind', status: 0, sequence: 0 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      sink.release();
      await unbound;
      expect(statusOf(await submitted)).toBe('ESME_ROK');
      expect(raw.received.map((pdu) => pdu.command)).toEqual([
        'bind_transceiver_resp',
        'submit_sm_resp',
        'unbind_resp',
      ]);
    });

    it('answers an unknown command_id with generic_nack ESME_RINVCMDID and keeps the session', async () => {
      const raw = await bound();
      const header = Buffer.alloc(16);
      header.writeUInt32BE(16, 0);
      header.writeUInt32BE(0x00000021, 4); // submit_multi: not served
      header.writeUInt32BE(41, 12);
      raw.sendRaw(header);
      const nack = await raw.waitFor((pdu) => pdu.sequence === 41);
      expect([nack.command, statusOf(nack)]).toEqual(['generic_nack', 'ESME_RINVCMDID']);
      expect(statusOf(await raw.submit())).toBe('ESME_ROK');
    });

    it('answers a body that does not fit its command_length with generic_nack ESME_RINVCMDLEN and keeps the session', async () => {
      const raw = await bound();
      const whole = encodePdu({ ...submitSm(), sequence: 42 });
      const cut = Buffer.from(whole.subarray(0, 30));
      cut.writeUInt32BE(cut.length, 0);
      raw.sendRaw(cut);
      const nack = await raw.waitFor((pdu) => pdu.sequence === 42);
      expect([nack.command, statusOf(nack)]).toEqual(['generic_nack', 'ESME_RINVCMDLEN']);
      expect(statusOf(await raw.submit())).toBe('ESME_ROK');
    });

    it('answers a broken optional parameter stream with ESME_RINVOPTPARSTREAM', async () => {
      const raw = await bound();
      const whole = encodePdu({ ...submitSm(), sequence: 43 });
      const broken = Buffer.concat([whole, Buffer.from([0x04, 0x24, 0x00])]);
      broken.writeUInt32BE(broken.length, 0);
      raw.sendRaw(broken);
      const nack = await raw.waitFor((pdu) => pdu.sequence === 43);
      expect([nack.command, statusOf(nack)]).toEqual(['generic_nack', 'ESME_RINVOPTPARSTREAM']);
    });

    it('answers a command_length below the header with generic_nack ESME_RINVCMDLEN, then closes', async () => {
      const raw = await bound();
      const header = Buffer.alloc(16);
      header.writeUInt32BE(8, 0);
      header.writeUInt32BE(0x15, 4);
      header.writeUInt32BE(44, 12);
      raw.sendRaw(header);
      const nack = await raw.waitFor((pdu) => pdu.sequence === 44);
      expect([nack.command, statusOf(nack)]).toEqual(['generic_nack', 'ESME_RINVCMDLEN']);
      await raw.closed;
    });

    it.each([
      ['system_id', 'ESME_RINVSYSID', 'a'.repeat(16), 'secret1'],
      ['password', 'ESME_RINVPASWD', 'esme1', 'longer-than-8'],
    ])(
      'answers a bind whose %s is too long with generic_nack %s',
      async (_field, status, systemId, password) => {
        const raw = await client();
        // The codec will not write it: the body by hand.
        const body = Buffer.from(`${systemId}\0${password}\0\0\x34\0\0\0`, 'latin1');
        const header = Buffer.alloc(16);
        header.writeUInt32BE(16 + body.length, 0);
        header.writeUInt32BE(0x09, 4);
        header.writeUInt32BE(45, 12);
        raw.sendRaw(Buffer.concat([header, body]));
        const nack = await raw.waitFor((pdu) => pdu.sequence === 45);
        expect([nack.command, statusOf(nack)]).toEqual(['generic_nack', status]);
        expect(directory.calls).toHaveLength(0);
      },
    );

    it('answers a deliver_sm from the ESME with generic_nack ESME_RINVCMDID', async () => {
      const raw = await bound();
      const nack = await raw.request(
        shortMessage('deliver_sm', {
          source: { ton: 0, npi: 0, addr: '1' },
          destination: { ton: 0, npi: 0, addr: '2' },
        }),
      );
      expect([nack.command, statusOf(nack)]).toEqual(['generic_nack', 'ESME_RINVCMDID']);
    });
  });

  describe('timeouts and drain', () => {
    it('unbinds a bound session that stays silent, then closes it', async () => {
      await start({ idleTimeoutMs: 200 });
      const raw = await bound();
      const unbind = await raw.waitFor((pdu) => pdu.command === 'unbind');
      raw.send({ command: 'unbind_resp', status: 0, sequence: unbind.sequence });
      await raw.closed;
      expect(events.map((entry) => entry.event)).toContain('idle-timeout');
    });

    it('closes a connection that does not bind in time', async () => {
      await start({ bindTimeoutMs: 200 });
      const raw = await client();
      await raw.closed;
      expect(raw.received).toEqual([]);
    });

    it('drains: refuses new submits with ESME_RSYSERR, answers those with the sink, unbinds, closes', async () => {
      await start();
      const raw = await bound();
      sink.hold = true;
      const inFlight = raw.submit();
      await until(() => sink.heldCount === 1);
      const drained = server.drain();
      const refused = await raw.submit();
      expect(statusOf(refused)).toBe('ESME_RSYSERR');
      await expect(RawClient.connect(port)).rejects.toThrow();
      sink.release();
      const accepted = (await inFlight) as MessageIdRespPdu;
      expect([statusOf(accepted), accepted.messageId]).toEqual(['ESME_ROK', 'msg-1']);
      const unbind = await raw.waitFor((pdu) => pdu.command === 'unbind');
      raw.send({ command: 'unbind_resp', status: 0, sequence: unbind.sequence });
      await drained;
      await raw.closed;
      expect(sink.received).toHaveLength(1);
      expect(server.sessions.size).toBe(0);
    });

    it('drains a session whose bind is being checked by answering it ESME_RBINDFAIL', async () => {
      await start();
      let answer!: () => void;
      const authenticate = directory.authenticate.bind(directory);
      directory.authenticate = (...args) =>
        new Promise((resolve) => (answer = () => resolve(authenticate(...args))));
      const raw = await client();
      const bind = raw.bind('transceiver', 'esme1', 'secret1');
      await until(() => answer !== undefined);
      const drained = server.drain();
      answer();
      expect(statusOf(await bind)).toBe('ESME_RBINDFAIL');
      await drained;
      await raw.closed;
      expect(server.registry.list()).toEqual([]);
    });

    it('drains an ESME that does not answer the unbind within the response timeout', async () => {
      await start({ responseTimeoutMs: 200 });
      const raw = await bound();
      await server.drain();
      await raw.closed;
      expect(raw.received.map((pdu) => pdu.command)).toEqual(['bind_transceiver_resp', 'unbind']);
    });
  });
});
