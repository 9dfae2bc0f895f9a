import { KafkaEventServer } from '@smsgate/kafka';
import { HttpErrorFilter, loadConfig } from '@smsgate/runtime';
import { uuidv7 } from '@smsgate/contracts';
import {
  connectTestClients,
  freePort,
  InProcessService,
  repoRoot,
  seedSmppChannel,
  seedWorkspace,
  setChannelEnabled,
  startInProcess,
  TestClients,
  waitFor,
} from '@smsgate/testing';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { Ownership } from './binds/ownership';
import { smppBindsEnv } from './config';
import { SmppBindsModule } from './smpp-binds.module';

/** smpp-binds in the test process, composed as main.ts does, with short intervals (integration tests). */
export function startSmppBinds(options: {
  groupId: string;
  env?: Record<string, string>;
}): Promise<InProcessService> {
  return startInProcess({
    config: (env) => loadConfig('smpp-binds', smppBindsEnv, env),
    env: {
      KAFKA_GROUP_ID: options.groupId,
      RETRY_DELAYS_MS: '200',
      RECONCILE_INTERVAL_MS: '200',
      SUBMIT_HOLD_MS: '1000',
      MO_PARTS_TIMEOUT_SECONDS: '2',
      MO_SWEEP_INTERVAL_MS: '200',
      BIND_REPORT_INTERVAL_MS: '200',
      ...options.env,
    },
    module: (config) => SmppBindsModule.forRoot(config),
    filters: [new HttpErrorFilter()],
    consumer: (app, config) => {
      const ownership = app.get(Ownership);
      return KafkaEventServer.forApp(app, {
        groupId: options.groupId,
        retryDelaysMs: config.RETRY_DELAYS_MS,
        inPlaceRetryMs: 2_000,
        partitionsConsumedConcurrently: 12,
        onAssignment: (assignment) => ownership.assign(assignment),
      });
    },
  });
}

/** An SMSC we did not write, run as a child process on `port`, with everything it printed so far. */
export interface PeerSmsc {
  port: number;
  process: ChildProcess;
  output: () => string;
}

/**
 * Installs a peer SMSC with `scripts/<script>` when missing (the script prints what the command needs:
 * a path), starts `command` on a free port and resolves once it printed `ready`.
 */
export async function startPeerSmsc(peer: {
  script: string;
  command: (installed: string, port: number) => [string, ...string[]];
  ready: string;
  timeoutMs?: number;
}): Promise<PeerSmsc> {
  const installed = execFileSync('bash', [path.join(repoRoot, 'scripts', peer.script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const port = await freePort();
  const [command, ...args] = peer.command(installed, port);
  let output = '';
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes(peer.ready), {
    timeoutMs: peer.timeoutMs ?? 20_000,
    message: `${path.basename(command)} to print "${peer.ready}"`,
  });
  return { port, process: child, output: () => output };
}

/** smpp-binds bound to a peer SMSC through an SMPP channel of a workspace of its own. */
export interface PeerInterop {
  clients: TestClients;
  service: InProcessService;
  /** Disables the channel, then stops smpp-binds and the peer and disconnects the clients. */
  stop(): Promise<void>;
}

/**
 * Puts the channel `ids.channel` (named `name`, sending from `address`, bind password `secret`) on `peer`,
 * then starts smpp-binds, with clients watching `topics`.
 */
export async function bindToPeer(
  peer: PeerSmsc,
  ids: { workspace: string; channel: string },
  setup: { name: string; address: string; config: Record<string, unknown>; topics: string[] },
): Promise<PeerInterop> {
  let clients: TestClients | undefined;
  let service: InProcessService | undefined;
  const stop = async () => {
    if (clients) await setChannelEnabled(clients.db, ids.channel, false);
    await service?.app.close();
    peer.process.kill('SIGTERM');
    await clients?.close();
  };
  try {
    clients = await connectTestClients(`${setup.name}-it`, setup.topics);
    await seedWorkspace(clients.db, ids.workspace, setup.name);
    await seedSmppChannel(clients.db, {
      id: ids.channel,
      workspace: ids.workspace,
      name: setup.name,
      address: setup.address,
      config: { host: '127.0.0.1', port: peer.port, system_id: 'smsgate', ...setup.config },
      password: 'secret',
    });
    service = await startSmppBinds({ groupId: `smpp-binds-${setup.name}-${uuidv7()}` });
  } catch (error) {
    await stop();
    throw error;
  }
  return { clients, service, stop };
}
