import { parseArgs, ParseArgsConfig } from 'node:util';
import { facts, orDash, statusWord, Style, table, timeArgument } from './format';

/** Exit codes: what a script can tell apart. */
export const EXIT = { ok: 0, api: 1, usage: 2, unreachable: 3 } as const;

/** What the command reads and writes: the process's in main.ts, fakes in its tests. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether a person answers (stdin and stdout are terminals): only then does it ask before changing state. */
  interactive: boolean;
  /** Asks a yes/no question (interactive only). */
  ask: (question: string) => Promise<boolean>;
  colour: boolean;
  fetch: typeof fetch;
  version: string;
}

class UsageError extends Error {}
class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
class Unreachable extends Error {}

const DEFAULT_URL = 'http://127.0.0.1:8086';
const FINAL = ['delivered', 'failed', 'expired', 'rejected', 'errored', 'no_route', 'unknown', 'received'];

export const USAGE = `usage: smsgate [global options] <command> [options]

Commands:
  send --to <number> [--to <number>…] --text <text> [--channel <uuid>] [--from <sender>]
       [--correlation-id <id>]            send a message (one or more destinations)
  status <id> [--wait]                    a message: status, history, parts, callbacks
                                          (--wait: until it is final, at most --timeout)
  messages [--status <s>] [--since 1h] [--until <time>] [--to <number>] [--channel <uuid>]
       [--direction in|out] [--correlation-id <id>] [--limit <n>] [--all]
                                          the log, newest first (--all: every page)
  channels [list]                         channels and their state
  channels enable|disable <uuid> [--yes]  turn a channel on or off
  binds                                   every SMSC connection, across replicas
  dlq list [--topic <t>] [--group <g>] [--reason <regex>] [--since 1d] [--until <time>] [--limit <n>]
                                          dead letters, newest first (admin token)
  dlq replay (--id <id>… | --topic/--group/--reason/--since/--until) [--limit <n>] [--dry-run] [--yes]
                                          replay dead letters to their topics (admin token)
  whoami                                  who the key belongs to
  help [command]                          this text, or one command in more words

Global options (or environment):
  --url <base URL>        SMSGATE_URL, default ${DEFAULT_URL} (the console's)
  --key <key>             SMSGATE_KEY: a workspace API key or the admin token (never printed)
  --workspace <id>        SMSGATE_WORKSPACE: the workspace an admin token acts in
  --json                  print the API's JSON answer, for scripts
  --timeout <seconds>     per request (default 30)
  --version, --help

Times: a duration back from now (90s, 30m, 1h, 2d, 1w) or an ISO 8601 time.
Exit codes: 0 done, 1 the API refused or failed, 2 usage, 3 the URL cannot be reached.`;

/** `smsgate help <command>` and `smsgate <command> --help`: what the command does, in more words. */
export const COMMAND_HELP: Record<string, string> = {
  send: `usage: smsgate send --to <number> [--to <number>…] --text <text> [--channel <uuid>] [--from <sender>]
                    [--correlation-id <id>]

Sends one text to one or more destinations (POST /v1/messages). Prints each destination's message id, or
the reason it was rejected; exits 1 when any destination was rejected. Without --channel the workspace's
routing picks the channel.`,
  status: `usage: smsgate status <id> [--wait]

A message: its status, details, the history of its statuses (a timeline), its parts and the callbacks sent
for it (GET /v1/messages/<id>). --wait asks again every half second until the status is final (delivered,
failed, expired, rejected…) or --timeout has passed.`,
  messages: `usage: smsgate messages [--status <s>] [--since 1h] [--until <time>] [--to <number>] [--channel <uuid>]
                        [--direction in|out] [--correlation-id <id>] [--limit <n>] [--all]

The message log, newest first (GET /v1/messages): one page of --limit rows (1 to 500, the API's default
when absent), or every page with --all. Times are a duration back from now (90s, 30m, 1h, 2d, 1w) or an
ISO 8601 time.`,
  channels: `usage: smsgate channels [list]
       smsgate channels enable|disable <uuid> [--yes]

Lists the channels (GET /v1/channels), or turns one on or off (PATCH /v1/channels/<uuid>). A change asks
for confirmation on a terminal; elsewhere (a script, a pipe) it needs --yes.`,
  binds: `usage: smsgate binds

Every SMSC channel's connections (binds) as each smpp-binds replica last reported them (GET /v1/binds):
the channel's state, and per bind its state, window in use, submit rate, reconnects and last error.`,
  dlq: `usage: smsgate dlq list [--topic <t>] [--group <g>] [--reason <regex>] [--since 1d] [--until <time>] [--limit <n>]
       smsgate dlq replay (--id <id>… | --topic/--group/--reason/--since/--until) [--limit <n>] [--dry-run] [--yes]

Dead letters: events a consumer gave up on, newest first (GET /v1/dead-letters), and replaying them to the
topic they came from (POST /v1/dead-letters/replay). Needs the admin token. A replay needs ids or a filter
(it never replays everything by omission); it asks for confirmation on a terminal and needs --yes
elsewhere; --dry-run lists what would be replayed and changes nothing.`,
  whoami: `usage: smsgate whoami

Who the key belongs to (GET /v1/whoami): the admin token, or a workspace's API key and its workspace.`,
  help: `usage: smsgate help [command]

The commands, or one command in more words.`,
};

const GLOBAL_HINT = `Global options: --url, --key, --workspace, --json, --timeout (\`smsgate help\`).`;

const GLOBAL: ParseArgsConfig['options'] = {
  url: { type: 'string' },
  key: { type: 'string' },
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
};

const COMMAND_OPTIONS: Record<string, ParseArgsConfig['options']> = {
  send: {
    to: { type: 'string', multiple: true },
    text: { type: 'string' },
    channel: { type: 'string' },
    from: { type: 'string' },
    'correlation-id': { type: 'string' },
  },
  status: { wait: { type: 'boolean' } },
  messages: {
    status: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    to: { type: 'string' },
    channel: { type: 'string' },
    direction: { type: 'string' },
    'correlation-id': { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean' },
  },
  channels: { yes: { type: 'boolean', short: 'y' } },
  binds: {},
  dlq: {
    topic: { type: 'string' },
    group: { type: 'string' },
    reason: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
    id: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
  },
  whoami: {},
  help: {},
};

type Values = Record<string, string | boolean | string[] | undefined>;

interface Context {
  io: CliIo;
  base: string;
  /** The key, or undefined when none was given: asked for only when a request is about to be made. */
  key: string | undefined;
  workspace?: string;
  json: boolean;
  timeoutMs: number;
  style: Style;
}

/** Runs one `smsgate …` command; resolves to its exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // Whatever is printed passes through here: the key is never shown, even inside a message from elsewhere
  // (an error from fetch quoting a header, an API echoing what it was sent).
  const secrets: string[] = [];
  const hide = (text: string) => secrets.reduce((shown, secret) => shown.split(secret).join('[key]'), text);
  const guarded: CliIo = {
    ...io,
    stdout: (text) => io.stdout(hide(text)),
    stderr: (text) => io.stderr(hide(text)),
  };
  let command: string | undefined;
  try {
    return await dispatch(argv, guarded, secrets, (name) => (command = name));
  } catch (error) {
    if (error instanceof UsageError) {
      const help = command && COMMAND_HELP[command] ? COMMAND_HELP[command] : undefined;
      guarded.stderr(
        `smsgate: ${error.message}\n` +
          (help
            ? `\n${help.slice(0, help.indexOf('\n\n'))}\nRun \`smsgate help ${command}\` for more.\n`
            : 'Run `smsgate help` for the commands.\n'),
      );
      return EXIT.usage;
    }
    if (error instanceof ApiFailure) {
      guarded.stderr(`smsgate: ${error.status ? `${error.status} ` : ''}${error.message}\n`);
      return EXIT.api;
    }
    if (error instanceof Unreachable) {
      guarded.stderr(`smsgate: ${error.message}\n`);
      return EXIT.unreachable;
    }
    throw error;
  }
}

async function dispatch(
  argv: string[],
  io: CliIo,
  secrets: string[],
  named: (command: string) => void,
): Promise<number> {
  for (const secret of [io.env.SMSGATE_KEY, ...keysIn(argv)]) if (secret) secrets.push(secret);
  const command = argv.find((arg, i) => !arg.startsWith('-') && !isFlagValue(argv[i - 1]));
  if (command && command in COMMAND_OPTIONS) named(command);
  const options = { ...GLOBAL, ...(command ? (COMMAND_OPTIONS[command] ?? {}) : {}) };
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ''));
  }
  const { values } = parsed;
  const [name, ...rest] = parsed.positionals;
  if (values.version) {
    io.stdout(`${io.version}\n`);
    return EXIT.ok;
  }
  if (name === 'help' || name === undefined) {
    const topic = name === 'help' ? rest[0] : undefined;
    if (name === 'help' && rest.length > 1) throw new UsageError(`unexpected argument ${rest[1]}`);
    if (topic !== undefined && !(topic in COMMAND_HELP)) throw new UsageError(`unknown command ${topic}`);
    io.stdout(topic ? `${COMMAND_HELP[topic]}\n\n${GLOBAL_HINT}\n` : `${USAGE}\n`);
    return EXIT.ok;
  }
  if (!(name in COMMAND_OPTIONS)) throw new UsageError(`unknown command ${name}`);
  if (values.help) {
    io.stdout(`${COMMAND_HELP[name]}\n\n${GLOBAL_HINT}\n`);
    return EXIT.ok;
  }

  const key = (values.key as string | undefined) ?? io.env.SMSGATE_KEY;
  // A key goes into a header: only visible ASCII. Said without quoting it.
  if (key !== undefined && !/^[\x21-\x7e]+$/.test(key))
    throw new UsageError(
      `the key (${values.key === undefined ? 'SMSGATE_KEY' : '--key'}) is empty or has a character a key cannot have (a space, a line break, a non-ASCII letter)`,
    );
  const context: Context = {
    io,
    base: baseUrl((values.url as string | undefined) ?? io.env.SMSGATE_URL ?? DEFAULT_URL),
    key,
    workspace: (values.workspace as string | undefined) ?? io.env.SMSGATE_WORKSPACE,
    json: values.json === true,
    timeoutMs: timeoutOf(values.timeout as string | undefined),
    style: { colour: io.colour },
  };
  switch (name) {
    case 'send':
      return send(context, values, rest);
    case 'status':
      return status(context, values, rest);
    case 'messages':
      return messages(context, values, rest);
    case 'channels':
      return channels(context, values, rest);
    case 'binds':
      return binds(context, rest);
    case 'dlq':
      return deadLetters(context, values, rest);
    default:
      return whoami(context, rest);
  }
}

/** The values given to --key in argv (`--key k` or `--key=k`), to keep out of whatever is printed. */
function keysIn(argv: string[]): string[] {
  return argv.flatMap((arg, i) =>
    arg === '--key' && i + 1 < argv.length
      ? [argv[i + 1]]
      : arg.startsWith('--key=')
        ? [arg.slice('--key='.length)]
        : [],
  );
}

/** Whether the argument after `before` is that option's value (`--url x status`: x is no command). */
function isFlagValue(before: string | undefined): boolean {
  if (!before?.startsWith('--') || before.includes('=')) return false;
  const option = before.slice(2);
  const all = { ...GLOBAL, ...Object.assign({}, ...Object.values(COMMAND_OPTIONS)) } as NonNullable<
    ParseArgsConfig['options']
  >;
  return all[option]?.type === 'string';
}

/** The base URL, checked: http(s), a host, no user or password in it (they would be printed with it). */
function baseUrl(given: string): string {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError('--url (or SMSGATE_URL) must be an http(s) URL such as http://127.0.0.1:8086');
  }
  if (url.username || url.password)
    throw new UsageError('--url (or SMSGATE_URL) must not hold a user or password: the key goes in --key');
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url must be an http(s) URL, not ${url.protocol}`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function timeoutOf(value: string | undefined): number {
  const seconds = value === undefined ? 30 : Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400)
    throw new UsageError('--timeout must be a number of seconds (more than 0, at most 86400)');
  return seconds * 1_000;
}

function noMore(rest: string[]): void {
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
}

function keyOf(context: Context): string {
  if (!context.key)
    throw new UsageError('no key: give --key or set SMSGATE_KEY (a workspace API key or the admin token)');
  return context.key;
}

async function call<T>(context: Context, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${keyOf(context)}`,
    accept: 'application/json',
  };
  if (context.workspace) headers['x-smsgate-workspace'] = context.workspace;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await context.io.fetch(`${context.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(context.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${context.timeoutMs / 1_000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message).replace(
            /^bad port$/,
            `fetch refuses port ${new URL(context.base).port} (one of the ports browsers block)`,
          );
    throw new Unreachable(`cannot reach ${context.base}: ${why}`);
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const message =
      json && typeof json === 'object' && 'message' in json
        ? String((json as { message: unknown }).message)
        : text.slice(0, 500) || response.statusText;
    throw new ApiFailure(response.status, message);
  }
  if (json === null || typeof json !== 'object')
    throw new ApiFailure(
      0,
      `${context.base} answered ${method} ${path.replace(/\?.*$/, '')} with ${response.status} and no JSON: is it the smsgate console's URL?`,
    );
  return json as T;
}

const print = (context: Context, text: string) => context.io.stdout(`${text}\n`);
const printJson = (context: Context, value: unknown) => print(context, JSON.stringify(value, null, 2));

/** Asks before a change of state: a person on a terminal answers; a script says --yes. */
async function confirmed(context: Context, yes: boolean, question: string): Promise<boolean> {
  keyOf(context);
  if (yes) return true;
  if (!context.io.interactive)
    throw new UsageError(`${question.replace(/\?$/, '')}: this changes state; add --yes`);
  return context.io.ask(`${question} [y/N] `);
}

function time(values: Values, name: 'since' | 'until'): string | undefined {
  const value = values[name] as string | undefined;
  if (value === undefined) return undefined;
  const at = timeArgument(value);
  if (!at)
    throw new UsageError(`--${name} must be a duration back from now (30m, 1h, 2d) or an ISO 8601 time`);
  return at;
}

function count(values: Values, name: string, max: number): number | undefined {
  const value = values[name] as string | undefined;
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

interface SendAnswer {
  messages: { id?: string; to: string; status: string; reason?: string }[];
}

async function send(context: Context, values: Values, rest: string[]): Promise<number> {
  noMore(rest);
  const to = (values.to as string[] | undefined) ?? [];
  const text = values.text as string | undefined;
  if (to.length === 0) throw new UsageError('send needs --to <number>');
  if (text === undefined) throw new UsageError('send needs --text <text>');
  const body: Record<string, unknown> = { to: to.length === 1 ? to[0] : to, text };
  if (values.channel) body.channel = values.channel;
  if (values.from) body.from = values.from;
  if (values['correlation-id']) body.correlationId = values['correlation-id'];
  const answer = await call<SendAnswer>(context, 'POST', '/v1/messages', body);
  if (context.json) printJson(context, answer);
  else
    print(
      context,
      table(
        ['TO', 'STATUS', 'ID OR REASON'],
        answer.messages.map((m) => [m.to, statusWord(context.style, m.status), m.id ?? m.reason ?? '']),
        80,
      ),
    );
  return answer.messages.some((m) => m.status === 'rejected') ? EXIT.api : EXIT.ok;
}

interface MessageDetail {
  id: string;
  status: string;
  direction: string;
  channel: string | null;
  from: string | null;
  to: string | null;
  text: string;
  segments: number;
  providerIds: string[];
  correlationId: string | null;
  createdAt: string;
  statusAt: string | null;
  error: unknown;
  history: {
    at: string;
    status: string;
    applied: boolean;
    source: string;
    part: number | null;
    detail: unknown;
  }[];
  parts: { index: number; status: string; providerMessageId: string | null }[];
  callbacks?: {
    createdAt: string;
    status: string | null;
    url: string;
    state: string;
    attempts: number;
    lastError: string | null;
  }[];
}

async function status(context: Context, values: Values, rest: string[]): Promise<number> {
  const [id, ...more] = rest;
  if (!id) throw new UsageError('status needs a message id');
  noMore(more);
  const path = `/v1/messages/${encodeURIComponent(id)}`;
  let message = await call<MessageDetail>(context, 'GET', path);
  if (values.wait) {
    const deadline = Date.now() + context.timeoutMs;
    while (!FINAL.includes(message.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      message = await call<MessageDetail>(context, 'GET', path);
    }
    if (!FINAL.includes(message.status))
      context.io.stderr(
        `smsgate: still ${message.status} after ${context.timeoutMs / 1_000} s (a longer --timeout waits longer)\n`,
      );
  }
  if (context.json) {
    printJson(context, message);
    return EXIT.ok;
  }
  const s = context.style;
  print(
    context,
    [
      facts([
        ['id', message.id],
        ['status', `${statusWord(s, message.status)}${message.statusAt ? ` since ${message.statusAt}` : ''}`],
        ['direction', message.direction],
        ['from', orDash(message.from)],
        ['to', orDash(message.to)],
        ['channel', orDash(message.channel)],
        ['text', message.text],
        ['segments', String(message.segments)],
        ['provider ids', message.providerIds.length ? message.providerIds.join(', ') : '-'],
        ['correlation id', orDash(message.correlationId)],
        ['created', message.createdAt],
        ...(message.error ? ([['error', JSON.stringify(message.error)]] as [string, string][]) : []),
      ]),
      '',
      'History:',
      table(
        ['AT', 'STATUS', 'APPLIED', 'PART', 'SOURCE', 'DETAIL'],
        message.history.map((event) => [
          event.at,
          statusWord(s, event.status),
          event.applied ? 'applied' : 'kept',
          orDash(event.part),
          event.source,
          event.detail ? JSON.stringify(event.detail) : '-',
        ]),
        70,
      ),
      ...(message.parts.length
        ? [
            '',
            'Parts:',
            table(
              ['PART', 'STATUS', 'PROVIDER ID'],
              message.parts.map((part) => [
                String(part.index),
                statusWord(s, part.status),
                orDash(part.providerMessageId),
              ]),
            ),
          ]
        : []),
      ...(message.callbacks?.length
        ? [
            '',
            'Callbacks:',
            table(
              ['CREATED', 'STATUS', 'URL', 'OUTCOME', 'ATTEMPTS', 'LAST ERROR'],
              message.callbacks.map((c) => [
                c.createdAt,
                orDash(c.status),
                c.url,
                c.state,
                String(c.attempts),
                orDash(c.lastError),
              ]),
              60,
            ),
          ]
        : []),
    ].join('\n'),
  );
  return EXIT.ok;
}

interface MessagePage {
  data: {
    id: string;
    createdAt: string;
    direction: string;
    from: string | null;
    to: string | null;
    status: string;
    channel: string | null;
    text: string;
  }[];
  next: string | null;
}

async function messages(context: Context, values: Values, rest: string[]): Promise<number> {
  noMore(rest);
  const query = new URLSearchParams();
  const limit = count(values, 'limit', 500);
  if (limit) query.set('limit', String(limit));
  for (const [flag, name] of [
    ['status', 'status'],
    ['to', 'to'],
    ['channel', 'channel'],
    ['direction', 'direction'],
    ['correlation-id', 'correlationId'],
  ] as const) {
    const value = values[flag] as string | undefined;
    if (value !== undefined) query.set(name, value);
  }
  const since = time(values, 'since');
  const until = time(values, 'until');
  if (since) query.set('since', since);
  if (until) query.set('until', until);
  const pages: MessagePage[] = [];
  let cursor: string | null = null;
  do {
    if (cursor) query.set('cursor', cursor);
    const page: MessagePage = await call<MessagePage>(context, 'GET', `/v1/messages?${query.toString()}`);
    pages.push(page);
    cursor = values.all ? page.next : null;
  } while (cursor);
  const rows = pages.flatMap((page) => page.data);
  if (context.json) {
    printJson(context, pages.length === 1 ? pages[0] : { data: rows, next: null });
    return EXIT.ok;
  }
  print(
    context,
    rows.length === 0
      ? 'No message matches.'
      : table(
          ['CREATED', 'DIR', 'FROM', 'TO', 'STATUS', 'CHANNEL', 'TEXT', 'ID'],
          rows.map((m) => [
            m.createdAt,
            m.direction,
            orDash(m.from),
            orDash(m.to),
            statusWord(context.style, m.status),
            m.channel ? m.channel.slice(0, 8) : '-',
            m.text,
            m.id,
          ]),
          30,
        ) + (pages[pages.length - 1].next ? '\n(more: --all, or a narrower --since)' : ''),
  );
  return EXIT.ok;
}

interface Channel {
  uuid: string;
  name: string;
  type: string;
  address: string | null;
  enabled: boolean;
}

async function channels(context: Context, values: Values, rest: string[]): Promise<number> {
  const [action = 'list', uuid, ...more] = rest;
  noMore(more);
  if (action === 'list') {
    if (uuid) throw new UsageError(`unexpected argument ${uuid}`);
    const answer = await call<{ results: Channel[] }>(context, 'GET', '/v1/channels');
    if (context.json) printJson(context, answer);
    else
      print(
        context,
        answer.results.length === 0
          ? 'No channel.'
          : table(
              ['UUID', 'NAME', 'TYPE', 'ADDRESS', 'ENABLED'],
              answer.results.map((c) => [
                c.uuid,
                c.name,
                c.type,
                orDash(c.address),
                c.enabled ? 'yes' : 'no',
              ]),
            ),
      );
    return EXIT.ok;
  }
  if (action !== 'enable' && action !== 'disable')
    throw new UsageError(`channels takes list, enable or disable, not ${action}`);
  if (!uuid) throw new UsageError(`channels ${action} needs a channel uuid`);
  if (
    !(await confirmed(
      context,
      values.yes === true,
      `${action === 'enable' ? 'Enable' : 'Disable'} channel ${uuid}?`,
    ))
  ) {
    context.io.stderr('Nothing changed.\n');
    return EXIT.ok;
  }
  const channel = await call<Channel>(context, 'PATCH', `/v1/channels/${encodeURIComponent(uuid)}`, {
    enabled: action === 'enable',
  });
  if (context.json) printJson(context, channel);
  else print(context, `${channel.name} (${channel.uuid}) is ${channel.enabled ? 'enabled' : 'disabled'}.`);
  return EXIT.ok;
}

interface Binds {
  replicas: { replica: string; partitions: number[]; updatedAt: string }[];
  channels: {
    channel: string;
    name: string;
    type: string;
    state: string;
    status?: { name: string };
    replica: string;
    binds: {
      id: string;
      mode: string;
      state: string;
      window: number;
      outstanding: number;
      submitRate: number;
      reconnects: number;
      lastError?: string;
    }[];
  }[];
}

async function binds(context: Context, rest: string[]): Promise<number> {
  noMore(rest);
  const answer = await call<Binds>(context, 'GET', '/v1/binds');
  if (context.json) {
    printJson(context, answer);
    return EXIT.ok;
  }
  const rows = answer.channels.flatMap((channel) =>
    (channel.binds.length ? channel.binds : [undefined]).map((bind) => [
      channel.name,
      channel.type,
      statusWord(context.style, channel.state) + (channel.status ? ` (${channel.status.name})` : ''),
      bind?.id ?? '-',
      bind ? statusWord(context.style, bind.state) : '-',
      bind ? `${bind.outstanding}/${bind.window}` : '-',
      bind ? bind.submitRate.toFixed(1) : '-',
      bind ? String(bind.reconnects) : '-',
      orDash(bind?.lastError),
      channel.replica,
    ]),
  );
  print(
    context,
    `${answer.replicas.length} smpp-binds replica(s) reporting\n` +
      (rows.length === 0
        ? 'No SMSC channel is held.'
        : table(
            [
              'CHANNEL',
              'TYPE',
              'STATE',
              'BIND',
              'BIND STATE',
              'WINDOW',
              'RATE/S',
              'RECONNECTS',
              'LAST ERROR',
              'REPLICA',
            ],
            rows,
          )),
  );
  return EXIT.ok;
}

interface Letter {
  id: string;
  failedAt: string;
  sourceTopic: string;
  group: string;
  reason: string;
  attempts: number;
}

async function deadLetters(context: Context, values: Values, rest: string[]): Promise<number> {
  const [action, ...more] = rest;
  noMore(more);
  const filter: Record<string, string> = {};
  for (const name of ['topic', 'group', 'reason'] as const) {
    const value = values[name] as string | undefined;
    if (value !== undefined) filter[name] = value;
  }
  const since = time(values, 'since');
  const until = time(values, 'until');
  if (since) filter.since = since;
  if (until) filter.until = until;
  if (action === 'list') {
    const query = new URLSearchParams(filter);
    const limit = count(values, 'limit', 1_000);
    if (limit) query.set('limit', String(limit));
    const page = await call<{ scanned: number; matched: number; results: Letter[] }>(
      context,
      'GET',
      `/v1/dead-letters?${query.toString()}`,
    );
    if (context.json) printJson(context, page);
    else
      print(
        context,
        `${page.matched} of ${page.scanned} dead letters match${page.matched > page.results.length ? ` (newest ${page.results.length} shown)` : ''}\n` +
          (page.results.length === 0
            ? ''
            : table(
                ['FAILED AT', 'TOPIC', 'GROUP', 'ATTEMPTS', 'REASON', 'ID'],
                page.results.map((l) => [
                  l.failedAt,
                  l.sourceTopic,
                  l.group,
                  String(l.attempts),
                  l.reason,
                  l.id,
                ]),
                50,
              )),
      );
    return EXIT.ok;
  }
  if (action !== 'replay') throw new UsageError(`dlq takes list or replay${action ? `, not ${action}` : ''}`);
  const ids = (values.id as string[] | undefined) ?? [];
  if (ids.length === 0 && Object.keys(filter).length === 0)
    throw new UsageError(
      'dlq replay needs --id <id> or a filter (--topic, --group, --reason, --since, --until)',
    );
  const dryRun = values['dry-run'] === true;
  const body: Record<string, unknown> = { ...filter, dryRun };
  if (ids.length) body.ids = ids;
  const limit = count(values, 'limit', 10_000);
  if (limit) body.limit = limit;
  let request = body;
  if (!dryRun && values.yes !== true) {
    keyOf(context);
    if (!context.io.interactive)
      throw new UsageError(
        `Replay ${ids.length ? letters(ids.length) : 'the matching dead letters'}: this changes state; add --yes (or --dry-run to see what matches)`,
      );
    // A person sees what would be replayed, then replays exactly those letters (by id; a filter matching
    // more than an id list can hold is sent again as the filter).
    const preview = await call<ReplayReport>(context, 'POST', '/v1/dead-letters/replay', {
      ...body,
      dryRun: true,
    });
    const shown = replayText(preview);
    if (context.json) context.io.stderr(`${shown}\n`);
    else print(context, shown);
    if (preview.matched.length === 0) {
      if (context.json) printJson(context, preview);
      return EXIT.ok;
    }
    if (
      !(await context.io.ask(
        `Replay ${preview.matched.length === 1 ? 'this' : 'these'} ${letters(preview.matched.length)}? [y/N] `,
      ))
    ) {
      context.io.stderr('Nothing replayed.\n');
      return EXIT.ok;
    }
    if (preview.matched.length <= 1_000)
      request = { ids: preview.matched.map((letter) => letter.id), dryRun: false };
  }
  const report = await call<ReplayReport>(context, 'POST', '/v1/dead-letters/replay', request);
  if (context.json) printJson(context, report);
  else print(context, replayText(report));
  return ids.length > 0 && !dryRun && report.replayed < ids.length ? EXIT.api : EXIT.ok;
}

const letters = (n: number) => `${n} dead letter${n === 1 ? '' : 's'}`;

interface ReplayReport {
  scanned: number;
  matched: Pick<Letter, 'id' | 'sourceTopic' | 'reason'>[];
  replayed: number;
  unusable: { reason: string }[];
  dryRun: boolean;
}

function replayText(report: ReplayReport): string {
  return (
    `${report.dryRun ? 'Dry run: would replay' : 'Replayed'} ${report.dryRun ? report.matched.length : report.replayed} of ${report.matched.length} matching (${report.scanned} read)` +
    (report.matched.length
      ? `\n${table(
          ['ID', 'TOPIC', 'REASON'],
          report.matched.map((l) => [l.id, l.sourceTopic, l.reason]),
          50,
        )}`
      : '') +
    (report.unusable.length
      ? `\nNot replayable:\n${report.unusable.map((u) => `  ${u.reason}`).join('\n')}`
      : '')
  );
}

async function whoami(context: Context, rest: string[]): Promise<number> {
  noMore(rest);
  const answer = await call<{ role: string; workspace?: { id: string; name: string } }>(
    context,
    'GET',
    '/v1/whoami',
  );
  if (context.json) printJson(context, answer);
  else
    print(
      context,
      answer.role === 'admin'
        ? `the admin token (every workspace${context.workspace ? `; acting in ${context.workspace}` : ''}) at ${context.base}`
        : `workspace ${answer.workspace?.name} (${answer.workspace?.id}) at ${context.base}`,
    );
  return EXIT.ok;
}
