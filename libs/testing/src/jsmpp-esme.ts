import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './infra';

export interface JsmppSubmit {
  to: string;
  text: string;
  /** SAR TLVs: the part of a concatenated message this submit is. */
  sar?: { reference: number; total: number; sequence: number };
}

/** A line the jsmpp ESME printed: bound, submitted, refused, receipt, mo, error, done. */
export type JsmppEvent = { event: string } & Record<string, string>;

/**
 * Runs tools/jsmpp-esme/JsmppEsme.java, an ESME written with jsmpp (Maven Central's org.jsmpp:jsmpp,
 * fetched by scripts/jsmpp-simulator.sh with Java and Maven installed when missing): binds as a
 * transceiver, submits `submits` asking for receipts, waits for `deliveries` deliver_sm (or `seconds`),
 * unbinds. Resolves with what it printed.
 */
export async function runJsmppEsme(options: {
  port: number;
  systemId: string;
  password: string;
  submits: JsmppSubmit[];
  deliveries: number;
  seconds?: number;
  /** Told of each line as it comes (an MO can be sent once the ESME is bound). */
  onEvent?: (event: JsmppEvent) => void;
}): Promise<JsmppEvent[]> {
  const classpath = execFileSync('bash', [path.join(repoRoot, 'scripts', 'jsmpp-simulator.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const child = spawn(
    'java',
    [
      '-cp',
      classpath,
      path.join(repoRoot, 'tools', 'jsmpp-esme', 'JsmppEsme.java'),
      '127.0.0.1',
      String(options.port),
      options.systemId,
      options.password,
      String(options.deliveries),
      String(options.seconds ?? 60),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: JsmppEvent[] = [];
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as JsmppEvent;
      events.push(event);
      options.onEvent?.(event);
    }
  });
  for (const submit of options.submits) {
    const sar = submit.sar ? `${submit.sar.reference}/${submit.sar.total}/${submit.sar.sequence}` : '';
    child.stdin.write(`${submit.to}|${submit.text}|${sar}\n`);
  }
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the jsmpp ESME exited with ${code}:\n${stderr.slice(-3_000)}`);
  return events;
}
