import { freePort, RecordingServer } from '@smsgate/testing';
import { CliIo, EXIT, runCli } from './cli';
import { table, timeArgument } from './format';

const KEY = 'sg_secret-key-never-printed';

describe('the smsgate command', () => {
  let api: RecordingServer;
  let out: string;
  let err: string;

  const io = (overrides: Partial<CliIo> = {}): CliIo => ({
    env: { SMSGATE_URL: api.url(''), SMSGATE_KEY: KEY },
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
    interactive: false,
    ask: () => Promise.resolve(false),
    colour: false,
    fetch,
    version: '0.1.0',
    ...overrides,
  });
  const json = (body: unknown, status = 200) => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const run = (args: string[], overrides?: Partial<CliIo>) => runCli(args, io(overrides));

  beforeAll(async () => {
    api = await RecordingServer.start();
  });
  beforeEach(() => {
    api.reset();
    out = '';
    err = '';
  });
  afterAll(() => api.stop());

  it('sends with the key and the workspace from the environment, and prints what was accepted', async () => {
    api.reply(
      json(
        {
          messages: [{ id: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a59', to: '+254712345678', status: 'accepted' }],
        },
        202,
      ),
    );
    const code = await run(['send', '--to', '+254712345678', '--text', 'hello', '--channel', 'c1'], {
      env: { SMSGATE_URL: api.url(''), SMSGATE_KEY: KEY, SMSGATE_WORKSPACE: 'w1' },
    });
    expect(code).toBe(EXIT.ok);
    const [request] = api.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/messages' });
    expect(JSON.parse(request.body)).toEqual({ to: '+254712345678', text: 'hello', channel: 'c1' });
    expect(request.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'x-smsgate-workspace': 'w1' });
    expect(out).toMatch(/TO\s+STATUS\s+ID OR REASON\n\+254712345678\s+accepted\s+0193a5c2/);
  });

  it('exits 1 when a destination was refused, and prints the reason', async () => {
    api.reply(json({ messages: [{ to: '12', status: 'rejected', reason: 'not a phone number' }] }, 202));
    expect(await run(['send', '--to', '12', '--text', 'x'])).toBe(EXIT.api);
    expect(out).toContain('not a phone number');
  });

  it("lists messages with the filters as the API names them, '--since 1h' an hour back", async () => {
    api.reply(json({ data: [], next: null }));
    const before = Date.now();
    expect(
      await run([
        'messages',
        '--status',
        'failed',
        '--since',
        '1h',
        '--correlation-id',
        'c-9',
        '--limit',
        '5',
      ]),
    ).toBe(EXIT.ok);
    const query = new URL(api.requests[0].url, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      status: 'failed',
      correlationId: 'c-9',
      limit: '5',
      since: expect.any(String),
    });
    expect(Math.abs(Date.parse(query.get('since')!) - (before - 3_600_000))).toBeLessThan(5_000);
    expect(out).toBe('No message matches.\n');
  });

  it('follows every page with --all and prints the JSON answer as is with --json', async () => {
    const row = (id: string) => ({
      id,
      createdAt: 't',
      direction: 'out',
      from: null,
      to: '+1',
      status: 'sent',
      channel: null,
      text: 'x',
    });
    api.reply(json({ data: [row('a')], next: 'c1' }), json({ data: [row('b')], next: null }));
    expect(await run(['messages', '--all', '--json'])).toBe(EXIT.ok);
    expect(api.requests[1].url).toContain('cursor=c1');
    expect(JSON.parse(out)).toEqual({ data: [row('a'), row('b')], next: null });
  });

  it('will not change state from a script without --yes, and asks a person', async () => {
    expect(await run(['channels', 'disable', 'c1'])).toBe(EXIT.usage);
    expect(err).toContain('this changes state; add --yes');
    expect(api.requests).toHaveLength(0);

    const ask = jest.fn().mockResolvedValue(false);
    expect(await run(['channels', 'enable', 'c1'], { interactive: true, ask })).toBe(EXIT.ok);
    expect(ask).toHaveBeenCalledWith('Enable channel c1? [y/N] ');
    expect(err).toContain('Nothing changed.');
    expect(api.requests).toHaveLength(0);

    api.reply(json({ uuid: 'c1', name: 'SMSC', type: 'smpp', address: null, enabled: false }));
    expect(await run(['channels', 'disable', 'c1', '--yes'])).toBe(EXIT.ok);
    expect(api.requests[0]).toMatchObject({
      method: 'PATCH',
      url: '/v1/channels/c1',
      body: '{"enabled":false}',
    });
    expect(out).toContain('SMSC (c1) is disabled.');
  });

  it('shows a person what a replay would do, and replays exactly those letters when told yes', async () => {
    const report = (dryRun: boolean) =>
      json({
        scanned: 40,
        matched: [
          { id: 'l1', sourceTopic: 'sms.outbound.requested.v1', reason: '503 from aggregator' },
          { id: 'l2', sourceTopic: 'sms.outbound.requested.v1', reason: '503 from aggregator' },
        ],
        replayed: dryRun ? 0 : 2,
        unusable: [],
        dryRun,
      });
    const no = jest.fn().mockResolvedValue(false);
    api.reply(report(true));
    expect(
      await run(['dlq', 'replay', '--reason', '503', '--since', '1d'], { interactive: true, ask: no }),
    ).toBe(EXIT.ok);
    expect(api.requests).toHaveLength(1);
    expect(JSON.parse(api.requests[0].body)).toEqual({
      reason: '503',
      since: expect.any(String),
      dryRun: true,
    });
    expect(out).toMatch(/^Dry run: would replay 2 of 2 matching \(40 read\)\nID\s+TOPIC\s+REASON\nl1 /);
    expect(no).toHaveBeenCalledWith('Replay these 2 dead letters? [y/N] ');
    expect(err).toBe('Nothing replayed.\n');

    const yes = jest.fn().mockResolvedValue(true);
    api.reset();
    out = '';
    api.reply(report(true), report(false));
    expect(await run(['dlq', 'replay', '--reason', '503'], { interactive: true, ask: yes })).toBe(EXIT.ok);
    expect(api.requests.map((request) => JSON.parse(request.body) as unknown)).toEqual([
      { reason: '503', dryRun: true },
      { ids: ['l1', 'l2'], dryRun: false },
    ]);
    expect(out).toContain('Replayed 2 of 2 matching (40 read)');
  });

  it('replays dead letters by id or filter, and refuses to replay everything by omission', async () => {
    expect(await run(['dlq', 'replay', '--yes'])).toBe(EXIT.usage);
    expect(await run(['dlq', 'replay', '--topic', 't'])).toBe(EXIT.usage);
    expect(err).toContain('this changes state; add --yes (or --dry-run to see what matches)');
    expect(api.requests).toHaveLength(0);
    api.reply(
      json({
        scanned: 3,
        matched: [{ id: 'l1', sourceTopic: 't', reason: 'r' }],
        replayed: 1,
        unusable: [],
        dryRun: false,
      }),
    );
    expect(await run(['dlq', 'replay', '--id', 'l1', '--yes'])).toBe(EXIT.ok);
    expect(JSON.parse(api.requests[0].body)).toEqual({ ids: ['l1'], dryRun: false });
    expect(out).toContain('Replayed 1 of 1 matching (3 read)');
  });

  it('says what the API refused (exit 1), a usage mistake (exit 2) and a URL it cannot reach (exit 3), never the key', async () => {
    api.reply(json({ statusCode: 401, message: 'invalid api key' }, 401));
    expect(await run(['whoami'])).toBe(EXIT.api);
    expect(err).toBe('smsgate: 401 invalid api key\n');
    expect(await run(['messages', '--since', 'yesterday'])).toBe(EXIT.usage);
    expect(await run(['frobnicate'])).toBe(EXIT.usage);
    expect(await run(['messages', '--colour'])).toBe(EXIT.usage);
    expect(await run(['whoami'], { env: { SMSGATE_URL: api.url('') } })).toBe(EXIT.usage);
    const closed = await freePort();
    expect(await run(['whoami', '--url', `http://127.0.0.1:${closed}`])).toBe(EXIT.unreachable);
    expect(err).toContain(`cannot reach http://127.0.0.1:${closed}: ECONNREFUSED`);
    expect(await run(['whoami', '--url', 'http://127.0.0.1:6000'])).toBe(EXIT.unreachable);
    expect(err).toContain('cannot reach http://127.0.0.1:6000: fetch refuses port 6000');
    expect(out + err).not.toContain(KEY);
  });

  it('keeps the key out of everything it prints, even where a message quotes it', async () => {
    // An API echoing the header it was sent: the key comes out as [key].
    api.reply(json({ statusCode: 403, message: `key Bearer ${KEY} may not do this` }, 403));
    expect(await run(['whoami'])).toBe(EXIT.api);
    expect(err).toBe('smsgate: 403 key Bearer [key] may not do this\n');
    // The same for a key given as a flag.
    api.reply(json({ statusCode: 403, message: 'it was sg_flag-key-42' }, 403));
    expect(await run(['whoami', '--key=sg_flag-key-42'])).toBe(EXIT.api);
    expect(err).toContain('it was [key]');
    // A key that cannot go in a header is a usage mistake, said without quoting it (fetch's own error
    // would quote the whole header).
    err = '';
    const broken = 'sg_line\nbreak-secret';
    expect(await run(['whoami'], { env: { SMSGATE_URL: api.url(''), SMSGATE_KEY: broken } })).toBe(
      EXIT.usage,
    );
    expect(err).toContain('has a character a key cannot have');
    expect(err).not.toContain('break-secret');
    // A password in the URL would be printed with the URL: refused.
    expect(await run(['whoami', '--url', `http://operator:pa55word@127.0.0.1:${api.port}`])).toBe(EXIT.usage);
    expect(err).toContain('must not hold a user or password');
    expect(err).not.toContain('pa55word');
    expect(api.requests).toHaveLength(2);
  });

  it('says which URL did not answer in time (exit 3), and which answered without JSON (exit 1)', async () => {
    api.reply('hang');
    expect(await run(['binds', '--timeout', '0.3'])).toBe(EXIT.unreachable);
    expect(err).toBe(`smsgate: cannot reach ${api.url('')}: no answer within 0.3 s\n`);
    err = '';
    api.reply({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>hello</html>' });
    expect(await run(['binds'])).toBe(EXIT.api);
    expect(err).toContain(`${api.url('')} answered GET /v1/binds with 200 and no JSON`);
  });

  it('names the mistake and shows the usage of the command it was in (exit 2), before asking for a key', async () => {
    const noKey = { env: { SMSGATE_URL: api.url('') } };
    expect(await run(['status'], noKey)).toBe(EXIT.usage);
    expect(err).toBe(
      'smsgate: status needs a message id\n\nusage: smsgate status <id> [--wait]\nRun `smsgate help status` for more.\n',
    );
    err = '';
    expect(await run(['send', '--to', '+1', '--text', 'x', '--wait'], noKey)).toBe(EXIT.usage);
    expect(err).toMatch(/^smsgate: Unknown option '--wait'\n\nusage: smsgate send --to/);
    err = '';
    expect(await run(['status', 'x'], noKey)).toBe(EXIT.usage);
    expect(err).toContain('no key: give --key or set SMSGATE_KEY');
    for (const args of [
      ['messages', '--direction'],
      ['messages', '--limit', '501'],
      ['messages', '--until', '3 days ago'],
      ['channels', 'rename', 'c1'],
      ['channels', 'enable'],
      ['dlq'],
      ['dlq', 'list', 'extra'],
      ['status', 'a', 'b'],
      ['whoami', '--timeout', '0'],
      ['--url', 'ftp://example.org', 'whoami'],
    ])
      expect([args, await run(args)]).toEqual([args, EXIT.usage]);
    expect(api.requests).toHaveLength(0);
  });

  it('follows a message with --wait until its status is final', async () => {
    const message = (status: string) => ({
      id: 'm1',
      status,
      direction: 'out',
      channel: 'c1',
      from: null,
      to: '+254712345678',
      text: 'hi',
      segments: 1,
      providerIds: ['p-1'],
      correlationId: null,
      createdAt: '2026-12-05T10:00:00.000Z',
      statusAt: '2026-12-05T10:00:02.000Z',
      error: null,
      history: [
        {
          at: '2026-12-05T10:00:00.000Z',
          status: 'accepted',
          applied: true,
          source: 'request',
          part: null,
          detail: null,
        },
        {
          at: '2026-12-05T10:00:01.000Z',
          status: 'sent',
          applied: true,
          source: 'dispatch',
          part: 0,
          detail: { attempt: 1 },
        },
      ],
      parts: [{ index: 0, status, providerMessageId: 'p-1' }],
      callbacks: [],
    });
    api.reply(json(message('queued')), json(message('sent')), json(message('delivered')));
    expect(await run(['status', 'm1', '--wait'])).toBe(EXIT.ok);
    expect(api.requests.map((request) => request.url)).toEqual([
      '/v1/messages/m1',
      '/v1/messages/m1',
      '/v1/messages/m1',
    ]);
    expect(out).toMatch(/^id:\s+m1\nstatus:\s+delivered since 2026-12-05T10:00:02.000Z\n/);
    expect(out).toContain(
      [
        'History:',
        'AT                        STATUS    APPLIED  PART  SOURCE    DETAIL',
        '2026-12-05T10:00:00.000Z  accepted  applied  -     request   -',
        '2026-12-05T10:00:01.000Z  sent      applied  0     dispatch  {"attempt":1}',
        '',
        'Parts:',
        'PART  STATUS     PROVIDER ID',
        '0     delivered  p-1',
      ].join('\n'),
    );
    expect(err).toBe('');

    // Not final within --timeout: says so on stderr, prints what it has.
    api.reset();
    out = '';
    api.replyAlways(json(message('sent')));
    expect(await run(['status', 'm1', '--wait', '--timeout', '1', '--json'])).toBe(EXIT.ok);
    expect(JSON.parse(out)).toMatchObject({ id: 'm1', status: 'sent' });
    expect(err).toBe('smsgate: still sent after 1 s (a longer --timeout waits longer)\n');
  });

  it('prints the binds of every channel, one row a bind, and the dead letters', async () => {
    api.reply(
      json({
        replicas: [{ replica: 'r0', partitions: [0], updatedAt: 't' }],
        channels: [
          {
            channel: 'c1',
            workspace: 'w1',
            name: 'Safaricom',
            type: 'smpp',
            state: 'bound',
            replica: 'r0',
            binds: [
              {
                id: 'b1',
                mode: 'transceiver',
                state: 'bound',
                window: 10,
                outstanding: 2,
                submitted: 5,
                submitRate: 3.25,
                throttled: 0,
                reconnects: 0,
              },
              {
                id: 'b2',
                mode: 'transceiver',
                state: 'waiting',
                window: 10,
                outstanding: 0,
                submitted: 0,
                submitRate: 0,
                throttled: 0,
                reconnects: 4,
                lastError: 'ECONNRESET',
              },
            ],
          },
          {
            channel: 'c2',
            workspace: 'w1',
            name: 'Airtel',
            type: 'ucp',
            state: 'bind_failed',
            status: { code: 13, name: 'ESME_RBINDFAIL' },
            replica: 'r0',
            binds: [],
          },
        ],
      }),
    );
    expect(await run(['binds'])).toBe(EXIT.ok);
    expect(out).toBe(
      [
        '1 smpp-binds replica(s) reporting',
        'CHANNEL    TYPE  STATE                         BIND  BIND STATE  WINDOW  RATE/S  RECONNECTS  LAST ERROR  REPLICA',
        'Safaricom  smpp  bound                         b1    bound       2/10    3.3     0           -           r0',
        'Safaricom  smpp  bound                         b2    waiting     0/10    0.0     4           ECONNRESET  r0',
        'Airtel     ucp   bind_failed (ESME_RBINDFAIL)  -     -           -       -       -           -           r0',
        '',
      ].join('\n'),
    );

    out = '';
    api.reply(
      json({
        scanned: 9,
        matched: 1,
        results: [
          {
            id: 'l1',
            failedAt: '2026-12-05T09:00:00.000Z',
            sourceTopic: 'sms.outbound.requested.v1',
            group: 'dispatcher',
            attempts: 5,
            reason: 'no send_url',
          },
        ],
        unusable: [],
      }),
    );
    expect(await run(['dlq', 'list', '--since', '1d', '--reason', 'send_url', '--limit', '10'])).toBe(
      EXIT.ok,
    );
    const query = Object.fromEntries(new URL(api.requests[1].url, 'http://x').searchParams);
    expect(query).toEqual({ reason: 'send_url', since: expect.stringMatching(/Z$/), limit: '10' });
    expect(out).toBe(
      [
        '1 of 9 dead letters match',
        'FAILED AT                 TOPIC                      GROUP       ATTEMPTS  REASON       ID',
        '2026-12-05T09:00:00.000Z  sms.outbound.requested.v1  dispatcher  5         no send_url  l1',
        '',
      ].join('\n'),
    );
  });

  it('colours statuses only when told to (a terminal without NO_COLOR)', async () => {
    const page = {
      data: [
        {
          id: 'a',
          createdAt: 't',
          direction: 'out',
          from: null,
          to: '+1',
          status: 'failed',
          channel: null,
          text: 'x',
        },
      ],
      next: null,
    };
    api.reply(json(page), json(page));
    await run(['messages']);
    expect(out).not.toContain('\u001b[');
    out = '';
    await run(['messages'], { colour: true });
    expect(out).toContain('\u001b[31mfailed\u001b[0m');
  });

  it('explains one command with help <command> or <command> --help', async () => {
    expect(await run(['help', 'dlq'])).toBe(EXIT.ok);
    expect(out).toMatch(/^usage: smsgate dlq list/);
    expect(out).toContain('never replays everything by omission');
    const first = out;
    out = '';
    expect(await run(['dlq', '--help'])).toBe(EXIT.ok);
    expect(out).toBe(first);
    expect(await run(['help', 'nothing'])).toBe(EXIT.usage);
    expect(err).toContain('unknown command nothing');
    expect(api.requests).toHaveLength(0);
  });

  it('prints its usage and version', async () => {
    expect(await run(['--help'])).toBe(EXIT.ok);
    expect(out).toContain('dlq replay');
    out = '';
    expect(await run(['--version'])).toBe(EXIT.ok);
    expect(out).toBe('0.1.0\n');
  });
});

describe('formatting', () => {
  it('aligns columns and cuts long cells', () => {
    expect(
      table(
        ['A', 'BB'],
        [
          ['x', 'y'],
          ['long text here', 'z'],
        ],
        8,
      ),
    ).toBe('A         BB\nx         y\nlong te…  z');
  });

  it('reads a time as a duration back from now or an ISO time', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(timeArgument('30m', now)).toBe('2026-12-05T09:30:00.000Z');
    expect(timeArgument('2d', now)).toBe('2026-12-03T10:00:00.000Z');
    expect(timeArgument('2026-12-01T00:00:00+03:00', now)).toBe('2026-11-30T21:00:00.000Z');
    expect(timeArgument('soon', now)).toBeUndefined();
  });
});
