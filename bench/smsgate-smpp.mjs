// Shared by the SMPP benchmarks: smsgate's path to an SMSC simulator over one transceiver bind, on a
// fresh database and fresh consumer groups.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  benchInfra,
  cpuSeconds,
  freePort,
  postgresPids,
  postJson,
  root,
  secrets,
  startService,
} from './lib.mjs';
import testing from '../dist/libs/testing/src/consumer-groups.js';

const { startGroupsAtEnd } = testing;

export const kafkaPidOf = () =>
  readFileSync(path.join(root, '.local/bench-infra/kafka/kafka.pid'), 'utf8').trim();

/**
 * ingress, dispatcher, smpp-binds and dlr-tracker (and smpp-server with `smppServer`), a workspace and
 * a channel of `channelType` (smpp, ucp or cimd2; one connection) to the simulator on `smscPort` with
 * `window`; resolves once its bind is up.
 * `simulatorPid` is counted in `processes()`.
 */
export async function startSmsgate({
  smscPort,
  simulatorPid,
  window,
  smppServer = false,
  channelType = 'smpp',
}) {
  const infra = benchInfra();
  const run = Date.now();
  const groups = {
    dispatcher: `dispatcher-bench-${run}`,
    'smpp-binds': `smpp-binds-bench-${run}`,
    'dlr-tracker': `dlr-tracker-bench-${run}`,
    ...(smppServer ? { 'smpp-server': `smpp-server-bench-${run}` } : {}),
  };
  await startGroupsAtEnd(infra.KAFKA_BROKERS, Object.values(groups));
  const common = { ...infra, DATABASE_POOL_SIZE: '20' };
  const ingress = await startService('ingress', common);
  const [dispatcher, smppBinds, tracker, server] = await Promise.all([
    startService('dispatcher', { ...common, KAFKA_GROUP_ID: groups.dispatcher }),
    // The default reconcile interval, so that the idle figures are a deployment's: the bind comes up
    // at the next reconcile (within RECONCILE_INTERVAL_MS, 5 s) and the bench waits for it.
    startService('smpp-binds', { ...common, KAFKA_GROUP_ID: groups['smpp-binds'] }),
    startService('dlr-tracker', {
      ...common,
      KAFKA_GROUP_ID: groups['dlr-tracker'],
      EGRESS_ALLOW: '127.0.0.1',
    }),
    smppServer ? startSmppServer({ ...common, KAFKA_GROUP_ID: groups['smpp-server'] }) : undefined,
  ]);
  const services = {
    ingress,
    dispatcher,
    'smpp-binds': smppBinds,
    'dlr-tracker': tracker,
    ...(server ? { 'smpp-server': server } : {}),
  };
  const workspace = await postJson(
    `${ingress.url}/v1/workspaces`,
    { name: 'bench smpp' },
    secrets.ADMIN_TOKEN,
  );
  const channel = await postJson(
    `${ingress.url}/v1/channels`,
    {
      type: channelType,
      name: 'bench',
      address: 'SMSGATE',
      config:
        channelType === 'smpp'
          ? { host: '127.0.0.1', port: smscPort, system_id: 'bench', binds: 1, window }
          : {
              host: '127.0.0.1',
              port: smscPort,
              username: channelType === 'ucp' ? '4711' : 'bench',
              connections: 1,
              window,
            },
      secrets: { password: 'bench' },
    },
    workspace.apiKey,
  );
  for (;;) {
    const binds = await (
      await fetch(`${smppBinds.url}/v1/binds`, {
        headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}` },
      })
    ).json();
    if (binds.channels?.some((c) => c.channel === channel.uuid && c.state === 'bound')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const kafkaPid = kafkaPidOf();
  const processes = () => ({
    ...Object.fromEntries(Object.entries(services).map(([n, s]) => [n, [s.child.pid]])),
    ...(simulatorPid ? { simulator: [simulatorPid] } : {}),
    Kafka: [kafkaPid],
    PostgreSQL: postgresPids(),
  });
  return {
    services,
    workspace,
    channel,
    processes,
    rss: () =>
      Object.entries(services)
        .map(([n, s]) => `${n} ${s.rssMiB().toFixed(0)}`)
        .join(', '),
    stop: () => stopServices(Object.values(services)),
  };
}

/** smpp-server on free HTTP and SMPP ports; `smppPort` says where ESMEs bind. */
export async function startSmppServer(env) {
  const smppPort = await freePort();
  const service = await startService('smpp-server', { ...env, SMPP_PORT: String(smppPort) });
  return Object.assign(service, { smppPort });
}

export const stopServices = (services) =>
  Promise.all(services.map((s) => new Promise((resolve) => s.child.once('exit', resolve).kill('SIGTERM'))));

/** CPU per message of each process over `work`, in µs. */
export async function measured(processes, messages, work) {
  const before = Object.fromEntries(Object.entries(processes()).map(([n, pids]) => [n, cpuSeconds(pids)]));
  const result = await work();
  const after = processes();
  const cpu = Object.fromEntries(
    Object.entries(after).map(([n, pids]) => [n, (1e6 * (cpuSeconds(pids) - (before[n] ?? 0))) / messages]),
  );
  return { ...result, cpu };
}

export const cpuLine = (cpu) =>
  Object.entries(cpu)
    .map(([n, us]) => `${n} ${us.toFixed(0)}`)
    .join(', ');
