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
    expect(await run(['dlq', 'replay', '--id', 'x'], { interactive: true, ask })).toBe(EXIT.ok);
    expect(ask).toHaveBeenCalledWith('Replay 1 dead letter(s)? [y/N] ');
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

  it('replays dead letters by id or filter, and refuses to replay everything by omission', async () => {
    expect(await run(['dlq', 'replay', '--yes'])).toBe(EXIT.usage);
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
    expect(out + err).not.toContain(KEY);
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
