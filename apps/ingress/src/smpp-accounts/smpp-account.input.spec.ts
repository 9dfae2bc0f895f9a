import type { z } from 'zod';
import { CreateSmppAccount, UpdateSmppAccount } from './smpp-account.input';

/** `path: message` for every issue, so a test can say which field failed and why. */
const problemsOf = (result: z.ZodSafeParseResult<unknown>): string[] =>
  result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

const CHANNEL = '0193a7c4-6e1f-7a22-8b4c-3d5e7f901a23';

describe('CreateSmppAccount', () => {
  it('needs only a systemId, and fills in the defaults', () => {
    expect(CreateSmppAccount.parse({ systemId: 'clinic-app' })).toEqual({
      systemId: 'clinic-app',
      bindModes: ['transmitter', 'receiver', 'transceiver'],
      maxBinds: 2,
      allowedSources: [],
      tps: null,
      channel: null,
      inboundAddresses: [],
      inboundChannels: [],
      enabled: true,
    });
  });

  it('takes every field', () => {
    const account = {
      systemId: 'ACME_01',
      bindModes: ['transceiver'],
      maxBinds: 100,
      allowedSources: ['MOH-KENYA', '+254700100200', '12345678901234567890'],
      tps: 0.5,
      channel: CHANNEL,
      inboundAddresses: ['22141', '+254700100200', 'CLINIC'],
      inboundChannels: [CHANNEL],
      enabled: false,
    };
    expect(CreateSmppAccount.parse(account)).toEqual(account);
  });

  it.each(['a', '!', 'abcdefghijklmno', '~{}[]|\\^`@#$%&*', 'A.b-C_d:e/f'])(
    'takes the systemId %j',
    (systemId) => {
      expect(CreateSmppAccount.parse({ systemId }).systemId).toBe(systemId);
    },
  );

  it.each<[string, unknown, string]>([
    ['an empty systemId', '', 'systemId: Too small'],
    ['a systemId of 16 characters', 'abcdefghijklmnop', 'systemId: Too big'],
    ['a systemId with a space', 'clinic app', 'systemId: must be printable ASCII without spaces'],
    ['a systemId with a tab', 'clinic\tapp', 'systemId: must be printable ASCII without spaces'],
    ['a systemId with a NUL', 'clinic\u0000', 'systemId: must be printable ASCII without spaces'],
    ['a systemId that is not ASCII', 'clinic-é', 'systemId: must be printable ASCII without spaces'],
    ['a systemId that is not a string', 15, 'systemId: Invalid input'],
  ])('refuses %s', (_label, systemId, problem) => {
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId }))[0]).toContain(problem);
  });

  it('keeps each inbound address and channel once, trimmed', () => {
    expect(
      CreateSmppAccount.parse({
        systemId: 'x',
        inboundAddresses: [' 22141 ', '22141', '+254700100200'],
        inboundChannels: [CHANNEL, CHANNEL],
      }),
    ).toMatchObject({ inboundAddresses: ['22141', '+254700100200'], inboundChannels: [CHANNEL] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty inbound address', { inboundAddresses: [''] }, 'inboundAddresses.0: Too small'],
    [
      'an inbound address of 33 characters',
      { inboundAddresses: ['1'.repeat(33)] },
      'inboundAddresses.0: Too big',
    ],
    [
      'an inbound address with a space',
      { inboundAddresses: ['221 41'] },
      'inboundAddresses.0: must be a number',
    ],
    [
      'a + inside an inbound address',
      { inboundAddresses: ['22+141'] },
      'inboundAddresses.0: must be a number',
    ],
    ['a lone + as an inbound address', { inboundAddresses: ['+'] }, 'inboundAddresses.0: must be a number'],
    [
      '101 inbound addresses',
      { inboundAddresses: Array.from({ length: 101 }, (_, n) => `${n}`) },
      'inboundAddresses: Too big',
    ],
    ['an inbound channel that is no UUID', { inboundChannels: ['sms-1'] }, 'inboundChannels.0: '],
    ['a null inboundChannels', { inboundChannels: null }, 'inboundChannels: '],
  ])('refuses %s', (_label, fields, problem) => {
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', ...fields }))).toEqual([
      expect.stringContaining(problem),
    ]);
  });

  it('refuses a missing systemId', () => {
    expect(problemsOf(CreateSmppAccount.safeParse({}))).toEqual([expect.stringMatching(/^systemId: /)]);
  });

  it('keeps each bind mode once, in a fixed order', () => {
    expect(
      CreateSmppAccount.parse({ systemId: 'x', bindModes: ['transceiver', 'transmitter', 'transceiver'] })
        .bindModes,
    ).toEqual(['transmitter', 'transceiver']);
  });

  it.each<[string, unknown]>([
    ['no bind mode', []],
    ['a bind mode that is not one', ['outbind']],
    ['a bind mode in capitals', ['TRANSMITTER']],
    ['more than three', ['receiver', 'receiver', 'receiver', 'receiver']],
    ['a string instead of a list', 'transceiver'],
  ])('refuses %s', (_label, bindModes) => {
    const problems = problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', bindModes }));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((problem) => /^bindModes(\.\d)?: /.test(problem))).toBe(true);
  });

  it.each([0, 101, 1.5, -1, '2', null])('refuses maxBinds %j', (maxBinds) => {
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', maxBinds }))).toEqual([
      expect.stringMatching(/^maxBinds: /),
    ]);
  });

  it('trims sources and keeps each once', () => {
    expect(
      CreateSmppAccount.parse({ systemId: 'x', allowedSources: [' MOH ', 'MOH', 'Clinic Info'] })
        .allowedSources,
    ).toEqual(['MOH', 'Clinic Info']);
  });

  it('takes 100 sources, not 101', () => {
    const sources = (count: number) => Array.from({ length: count }, (_, index) => `+2547000${index}`);
    expect(
      CreateSmppAccount.parse({ systemId: 'x', allowedSources: sources(100) }).allowedSources,
    ).toHaveLength(100);
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', allowedSources: sources(101) }))).toEqual([
      expect.stringMatching(/^allowedSources: Too big/),
    ]);
  });

  it.each<[string, unknown]>([
    ['an empty source', ''],
    ['a source of spaces', '   '],
    ['a source of 21 characters (submit_sm holds 20)', '123456789012345678901'],
    ['a source that is not ASCII', 'Clínica'],
    ['a source with a newline', 'MOH\nKE'],
    ['a source that is not a string', 254700],
  ])('refuses %s', (_label, source) => {
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', allowedSources: [source] }))).toEqual([
      expect.stringMatching(/^allowedSources\.0: /),
    ]);
  });

  it.each([0, -1, 100_001, '10', Infinity])('refuses tps %j', (tps) => {
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', tps }))).toEqual([
      expect.stringMatching(/^tps: /),
    ]);
  });

  it.each([0.1, 1, 100_000])('takes tps %j', (tps) => {
    expect(CreateSmppAccount.parse({ systemId: 'x', tps }).tps).toBe(tps);
  });

  it.each<[string, string, unknown]>([
    ['a channel that is not a UUID', 'channel', 'my-channel'],
    ['an enabled that is not a boolean', 'enabled', 'yes'],
  ])('refuses %s', (_label, field, value) => {
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', [field]: value }))).toEqual([
      expect.stringMatching(new RegExp(`^${field}: `)),
    ]);
  });

  it('refuses a password: smsgate picks it', () => {
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', password: 'mine1234' }))).toEqual([
      expect.stringContaining('password'),
    ]);
  });

  it('refuses fields it does not know, and the stored names of known ones', () => {
    expect(problemsOf(CreateSmppAccount.safeParse({ systemId: 'x', system_id: 'y', max_binds: 3 }))).toEqual([
      expect.stringMatching(/system_id.*max_binds|max_binds.*system_id/),
    ]);
  });
});

describe('UpdateSmppAccount', () => {
  it('takes an empty change, and fills in no default', () => {
    expect(UpdateSmppAccount.parse({})).toEqual({});
    expect(UpdateSmppAccount.parse({ enabled: false })).toEqual({ enabled: false });
  });

  it('clears tps and channel with null', () => {
    expect(UpdateSmppAccount.parse({ tps: null, channel: null })).toEqual({ tps: null, channel: null });
  });

  it('takes every field, with the checks of create', () => {
    expect(
      UpdateSmppAccount.parse({
        systemId: 'renamed',
        bindModes: ['receiver', 'transmitter'],
        maxBinds: 4,
        allowedSources: ['MOH'],
        tps: 5,
        channel: CHANNEL,
        inboundAddresses: ['22141'],
        inboundChannels: [],
        enabled: true,
      }),
    ).toEqual({
      systemId: 'renamed',
      bindModes: ['transmitter', 'receiver'],
      maxBinds: 4,
      allowedSources: ['MOH'],
      tps: 5,
      channel: CHANNEL,
      inboundAddresses: ['22141'],
      inboundChannels: [],
      enabled: true,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a systemId that is too long', { systemId: 'x'.repeat(16) }, 'systemId'],
    ['a null systemId', { systemId: null }, 'systemId'],
    ['no bind mode', { bindModes: [] }, 'bindModes'],
    ['a null bindModes', { bindModes: null }, 'bindModes'],
    ['maxBinds over 100', { maxBinds: 101 }, 'maxBinds'],
    ['a null allowedSources (an empty list means any)', { allowedSources: null }, 'allowedSources'],
    ['a tps of 0', { tps: 0 }, 'tps'],
    ['a null enabled', { enabled: null }, 'enabled'],
    ['a password', { password: 'abcdefgh' }, 'password'],
    ['a passwordHash', { passwordHash: 'scrypt$1$1$1$a$b' }, 'passwordHash'],
  ])('refuses %s', (_label, body, field) => {
    expect(problemsOf(UpdateSmppAccount.safeParse(body))).toEqual([expect.stringContaining(field)]);
  });
});
