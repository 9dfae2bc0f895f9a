import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import path from 'node:path';
import { freePort } from './free-port';
import { repoRoot } from './infra';

export interface KannelEsmeOptions {
  /** smsgate's SMPP server. */
  host?: string;
  port: number;
  systemId: string;
  password: string;
  /** One transceiver bind, or a transmitter and a receiver (Kannel's `receive-port`). */
  mode: 'transceiver' | 'transmitter+receiver';
  window?: number;
}

/**
 * Kannel's `group = smsc` text for another SMSC protocol (emi, cimd2…), with `smsc-id = smsgate`, and how
 * many of its connections show `online` on the status page once they are up.
 */
export interface KannelSmscGroups {
  groups: string;
  online: number;
}

/** A delivery report Kannel called its dlr-url with. */
export interface KannelDlr {
  /** The `ref` the test gave sendSms. */
  ref: string;
  /** Kannel's report type: 1 delivered, 2 failed, 4 buffered, 8 accepted by the SMSC, 16 refused by it. */
  type: number;
  /** The receipt's text as Kannel passed it on (%A). */
  reply: string;
}

/** An MO Kannel's sms-service got. */
export interface KannelMo {
  from: string;
  to: string;
  text: string;
}

/**
 * Kannel (Debian's bearerbox and smsbox) as an ESME of smsgate's SMPP server: an `smsc = smpp` group
 * bound to it, `sendsms` to submit, dlr-url and sms-service get-url calls caught on a local HTTP server.
 * The project's script installs Kannel when missing; when it cannot, start() throws (tests fail, never skip).
 */
export class KannelEsme {
  readonly dlrs: KannelDlr[] = [];
  readonly mos: KannelMo[] = [];
  private readonly children: ChildProcess[] = [];
  private sendsms = '';
  private credentials = '';
  private status = '';
  private receiverUrl = '';

  private constructor(
    private readonly dir: string,
    private readonly receiver: Server,
  ) {}

  static start(options: KannelEsmeOptions): Promise<KannelEsme> {
    return KannelEsme.startWith(smppGroups(options));
  }

  /** Kannel with these smsc groups (as a UCP/EMI or CIMD2 client of our simulators). */
  static async startWith(smsc: KannelSmscGroups): Promise<KannelEsme> {
    const sbin = execFileSync('bash', [path.join(repoRoot, 'scripts', 'kannel.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    const dir = path.join(repoRoot, '.local', `kannel-esme-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    const esme = new KannelEsme(dir, createServer());
    await esme.listen();
    try {
      await esme.boot(sbin, smsc);
    } catch (error) {
      await esme.stop();
      throw error;
    }
    return esme;
  }

  /** Submits through sendsms; `ref` comes back in the delivery reports. Resolves once Kannel queued it. */
  async sendSms(message: {
    to: string;
    from?: string;
    text: string;
    ref: string;
    dlrMask?: number;
    coding?: 0 | 2;
  }) {
    const dlrUrl = `${this.receiverUrl}/dlr?ref=${encodeURIComponent(message.ref)}&type=%d&reply=%A`;
    const fields: [string, string][] = [
      ['to', message.to],
      ['from', message.from ?? 'KANNEL'],
      ['dlr-mask', String(message.dlrMask ?? 3)],
      ['dlr-url', dlrUrl],
      ['text', message.text],
      // Kannel reads `text` as Latin-1 unless told: UTF-8 sent as UCS-2 (coding=2).
      ...(message.coding === 2
        ? ([
            ['coding', '2'],
            ['charset', 'UTF-8'],
          ] as [string, string][])
        : []),
    ];
    const query = fields.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
    const url = `${this.sendsms}?${this.credentials}&${query}`;
    const response = await fetch(url);
    const body = await response.text();
    if (response.status !== 202) throw new Error(`Kannel's sendsms answered ${response.status}: ${body}`);
  }

  /** Kannel's own account of its binds (its status page). */
  bindStatus(): Promise<string> {
    return fetch(this.status).then((response) => response.text());
  }

  /** The last lines of Kannel's logs, for a failure message. */
  logs(lines = 30): string {
    return ['bearerbox.log', 'smsbox.log']
      .map((log) => path.join(this.dir, log))
      .filter((file) => existsSync(file))
      .map(
        (file) =>
          `${path.basename(file)}:\n${readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n')}`,
      )
      .join('\n');
  }

  async stop(): Promise<void> {
    // smsbox first: bearerbox would log the box connection breaking otherwise.
    for (const child of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    await new Promise((resolve) => this.receiver.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async listen(): Promise<void> {
    this.receiver.on('request', (request, response) => {
      const url = new URL(request.url ?? '/', 'http://kannel');
      const get = (name: string) => url.searchParams.get(name) ?? '';
      if (url.pathname === '/dlr')
        this.dlrs.push({ ref: get('ref'), type: Number(get('type')), reply: get('reply') });
      else if (url.pathname === '/mo') this.mos.push({ from: get('from'), to: get('to'), text: get('text') });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('');
    });
    await new Promise<void>((resolve) => this.receiver.listen(0, '127.0.0.1', resolve));
    const address = this.receiver.address() as { port: number };
    this.receiverUrl = `http://127.0.0.1:${address.port}`;
  }

  private async boot(sbin: string, smsc: KannelSmscGroups): Promise<void> {
    const [adminPort, boxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
    const adminPassword = randomBytes(9).toString('hex');
    const user = { username: 'esme', password: randomBytes(9).toString('hex') };
    const config = path.join(this.dir, 'kannel.conf');
    const smscGroups = smsc.groups;
    writeFileSync(
      config,
      `group = core
admin-port = ${adminPort}
admin-password = "${adminPassword}"
admin-interface = "127.0.0.1"
smsbox-port = ${boxPort}
box-allow-ip = "127.0.0.1"
log-file = "${this.dir}/bearerbox.log"
log-level = 0
dlr-storage = internal

${smscGroups}
group = smsbox
bearerbox-host = "127.0.0.1"
bearerbox-port = ${boxPort}
sendsms-port = ${sendsmsPort}
sendsms-interface = "127.0.0.1"
# UCS-2 MOs reach the sms-service as UTF-8 text (%a), not as raw UCS-2 octets.
mo-recode = true
log-file = "${this.dir}/smsbox.log"
log-level = 0

group = sendsms-user
username = "${user.username}"
password = "${user.password}"
default-smsc = smsgate
concatenation = true
max-messages = 10

group = sms-service
keyword = default
get-url = "${this.receiverUrl}/mo?from=%p&to=%P&text=%a"
accept-x-kannel-headers = true
max-messages = 0
catch-all = true
`,
    );
    const start = (binary: string) => {
      const child = spawn(path.join(sbin, binary), ['-v', '4', config], { cwd: this.dir, stdio: 'ignore' });
      this.children.push(child);
      return child;
    };
    this.status = `http://127.0.0.1:${adminPort}/status.txt?password=${adminPassword}`;
    start('bearerbox');
    // Bound: the status page shows the smsc `online` (each of a pair's binds when there are two).
    await this.until('bearerbox did not connect to its SMSC', async () => {
      const status = await this.bindStatus();
      return status.split('(online ').length > smsc.online;
    });
    start('smsbox');
    this.sendsms = `http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`;
    this.credentials = `username=${user.username}&password=${user.password}`;
    await this.until(
      'smsbox did not accept sendsms',
      async () => (await this.bindStatus()).includes('smsbox:') && (await fetch(this.sendsms)).status === 403,
    );
  }

  private async until(what: string, ready: () => Promise<boolean>): Promise<void> {
    for (let i = 0; ; i++) {
      if (await ready().catch(() => false)) return;
      if (i > 150 || this.children.some((child) => child.exitCode !== null))
        throw new Error(`Kannel: ${what}\n${this.logs(10)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Kannel's smsc groups for an SMPP bind to smsgate's SMPP server. */
function smppGroups(options: KannelEsmeOptions): KannelSmscGroups {
  const host = options.host ?? '127.0.0.1';
  // A transmitter and a receiver are two groups of one smsc-id (Kannel refuses port and receive-port in one).
  const smscGroup = (ports: string) => `group = smsc
smsc = smpp
smsc-id = smsgate
host = "${host}"
${ports}
smsc-username = "${options.systemId}"
smsc-password = "${options.password}"
system-type = ""
max-pending-submits = ${options.window ?? 10}
reconnect-delay = 1
`;
  return options.mode === 'transceiver'
    ? { groups: smscGroup(`port = ${options.port}\nreceive-port = 0\ntransceiver-mode = true`), online: 1 }
    : {
        groups: [
          smscGroup(`port = ${options.port}\nreceive-port = 0\ntransceiver-mode = false`),
          smscGroup(`port = 0\nreceive-port = ${options.port}\ntransceiver-mode = false`),
        ].join('\n'),
        online: 2,
      };
}
