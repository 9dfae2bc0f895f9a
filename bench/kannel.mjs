// Kannel 1.4.5 (bearerbox + smsbox) on the SMSC simulator, the anchor smsgate's SMPP figures compare with.
// Configured as an operator would run it for throughput: one SMPP transceiver with the same window as
// smsgate, no throttling anywhere, a store file (Kannel's own durability, as in production) and
// in-memory DLR storage, logs at warning level only.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, root } from './lib.mjs';

const INSTALL_HINT =
  'Kannel is not installed: skipping it. On Debian/Ubuntu: `sudo apt-get install kannel` ' +
  '(bearerbox and smsbox in /usr/sbin).';

// /usr/sbin is not on every user's PATH.
const findBinary = (name) =>
  [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin']
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find((file) => existsSync(file));

function kannelBinaries() {
  let [bearerbox, smsbox] = [findBinary('bearerbox'), findBinary('smsbox')];
  if ((!bearerbox || !smsbox) && process.getuid?.() === 0 && findBinary('apt-get')) {
    console.error('Kannel is missing: installing Debian’s kannel with apt-get…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () =>
      execFileSync('apt-get', ['install', '-y', '-q', 'kannel'], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    try {
      install();
    } catch {
      // A fresh image has no package lists yet.
      try {
        execFileSync('apt-get', ['update', '-q'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
        install();
      } catch {
        // reported below
      }
    }
    [bearerbox, smsbox] = [findBinary('bearerbox'), findBinary('smsbox')];
  }
  return bearerbox && smsbox ? { bearerbox, smsbox } : undefined;
}

/** Returns null (after printing to stderr how to install it) when Kannel cannot be had. As root with apt-get and Kannel missing, installs Debian's `kannel` with apt-get first. */
export async function startKannel({
  smscHost = '127.0.0.1',
  smscPort,
  systemId,
  password,
  window = 100,
  binds = 1,
  // Another protocol's smsc group (emi, cimd2…) in place of the SMPP one; it must say `smsc-id = bench`.
  smscGroup,
}) {
  const binaries = kannelBinaries();
  if (!binaries) {
    console.error(INSTALL_HINT);
    return null;
  }
  const dir = path.join(root, '.local', `kannel-bench-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const [adminPort, boxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
  const adminPassword = randomBytes(9).toString('hex');
  const user = { username: 'bench', password: randomBytes(9).toString('hex') };
  const config = path.join(dir, 'kannel.conf');
  const smppGroup = `# One transceiver per bind, all under one smsc-id (instances); no throughput cap. No msg-id-type: the
# ids stay strings, which match as the simulator puts the same hex string in submit_sm_resp, in the
# receipt's id: and in receipted_message_id (a numeric msg-id-type would convert them).
group = smsc
smsc = smpp
smsc-id = bench
instances = ${binds}
host = "${smscHost}"
port = ${smscPort}
receive-port = 0
transceiver-mode = true
smsc-username = "${systemId}"
smsc-password = "${password}"
system-type = ""
max-pending-submits = ${window}
reconnect-delay = 1`;
  // An empty store to load: a missing one makes bearerbox print errors about it at every start.
  writeFileSync(path.join(dir, 'kannel.store'), '');
  writeFileSync(
    config,
    `group = core
admin-port = ${adminPort}
admin-password = "${adminPassword}"
admin-interface = "127.0.0.1"
smsbox-port = ${boxPort}
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
# Warnings and up: Kannel logs every PDU at 0 and every message at 1; no access-log either.
log-level = 2
# Kannel's own durability (every accepted message appended to a file until the SMSC took it), what a
# production install runs with; smsgate pays for its database in the same figures.
store-type = file
store-location = "${dir}/kannel.store"
dlr-storage = internal
# Never shed load: the run waits for every message.
sms-outgoing-queue-limit = -1
sms-incoming-queue-limit = -1
# DLRs in flight to smsbox awaiting its ack (default 100, one window): room for several binds' windows.
smsbox-max-pending = 1000

${smscGroup ?? smppGroup}

group = smsbox
bearerbox-host = "127.0.0.1"
bearerbox-port = ${boxPort}
sendsms-port = ${sendsmsPort}
sendsms-interface = "127.0.0.1"
log-file = "${dir}/smsbox.log"
log-level = 2
# dlr-url calls in parallel (default 512).
max-pending-requests = 1000

group = sendsms-user
username = "${user.username}"
password = "${user.password}"
default-smsc = bench
# Long texts go as concatenated parts, as with smsgate.
concatenation = true
max-messages = 10

# smsbox wants a default service for MO; none arrive here.
group = sms-service
keyword = default
omit-empty = true
text = ""
`,
  );

  // -v 3: only errors on stderr (the log files have warnings too). Both boxes report the SIGTERM of stop()
  // as an error ("SIGINT received, aborting program..."): that line is dropped, the rest passed on.
  const start = (binary) => {
    const child = spawn(binary, ['-v', '3', config], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk) => {
      const lines = String(chunk)
        .split('\n')
        .filter((line) => line && !line.includes('SIGINT received'));
      if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
    });
    return child;
  };
  const children = [start(binaries.bearerbox)];
  const stop = async () => {
    // smsbox first: bearerbox would log the box connection breaking otherwise.
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      await new Promise((resolve) => {
        // bearerbox waits for its queues to drain; a stuck run must still end.
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => resolve(clearTimeout(timer))).kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const wait = async (what, ready) => {
    for (let i = 0; ; i++) {
      if (await ready().catch(() => false)) return;
      if (i > 150 || children.some((c) => c.exitCode !== null)) {
        // The logs go with the folder: their last lines say why.
        const tail = ['bearerbox.log', 'smsbox.log']
          .map((log) => (existsSync(path.join(dir, log)) ? readFileSync(path.join(dir, log), 'utf8') : ''))
          .map((text) => text.trim().split('\n').slice(-5).join('\n'))
          .join('\n');
        await stop();
        throw new Error(`Kannel: ${what}\n${tail}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  // The status page lists each bind as `bench[bench] SMPP:… (online Ns, …)` once bound, and each box
  // connected as `smsbox:…`.
  const status = async () =>
    (await fetch(`http://127.0.0.1:${adminPort}/status.txt?password=${adminPassword}`)).text();
  await wait(
    'bearerbox did not bind to the SMSC',
    async () => (await status()).split('(online ').length > binds,
  );
  children.push(start(binaries.smsbox));
  const sendsms = `http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`;
  // smsbox listens before it connects to bearerbox: wait for both (403 = no credentials, so it answers).
  await wait(
    'smsbox did not accept sendsms',
    async () => (await status()).includes('smsbox:') && (await fetch(sendsms)).status === 403,
  );

  const credentials = `username=${user.username}&password=${user.password}`;
  return {
    request(i, to, text, dlrUrl) {
      // %d is Kannel's escape for the report type (1 delivered, 2 failed, …).
      const url = dlrUrl.includes('%d') ? dlrUrl : `${dlrUrl}${dlrUrl.includes('?') ? '&' : '?'}type=%d`;
      return {
        url:
          `${sendsms}?${credentials}&to=${encodeURIComponent(to)}&from=SMSGATE` +
          `&text=${encodeURIComponent(text)}&dlr-mask=1&dlr-url=${encodeURIComponent(url)}`,
        method: 'GET',
        headers: {},
      };
    },
    pids: children.map((child) => child.pid),
    stop,
  };
}
