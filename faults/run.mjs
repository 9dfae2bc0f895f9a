// npm run faults [-- word ...]: the fault suite against the real stack (issue 14, "Faults without
// duplicates"). Its own Kafka and PostgreSQL (.local/faults-infra, free ports, an empty database per
// run), the four services from dist/, a logging SMSC process, a RapidPro External API aggregator and a
// callback receiver. Each scenario runs single-message load (one destination per POST /v1/messages,
// a unique Idempotency-Key each, retried with the same key when the outcome is open, a notifyUrl each,
// SMPP and HTTP channels alternately), breaks one thing mid-load, and prints what came of it.
// Logs and evidence: .local/faults/<run>/. Exit code 1 when a message was lost, reached a provider
// twice, or an answer was a 5xx other than the documented ones (503 nothing accepted, 504 outcome unknown).
//
// Settings: FAULTS_RATE (messages/s, 100), FAULTS_CONCURRENCY (50), FAULTS_BEFORE_S (10),
// FAULTS_AFTER_S (20), FAULTS_SETTLE_S (240), FAULTS_KEEP_INFRA=1 leaves Kafka and PostgreSQL running.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { FaultStack, allScenarios, runScenario, reportLines, figuresOf, recoveredIn } = require(
  path.join(root, 'dist/libs/testing/src/faults/index.js'),
);

const number = (name, fallback) => Number(process.env[name] ?? fallback);
const shape = {
  rate: number('FAULTS_RATE', 100),
  concurrency: number('FAULTS_CONCURRENCY', 50),
  beforeMs: number('FAULTS_BEFORE_S', 10) * 1_000,
  afterMs: number('FAULTS_AFTER_S', 20) * 1_000,
  settleMs: number('FAULTS_SETTLE_S', 240) * 1_000,
  quietMs: 5_000,
};
const words = process.argv.slice(2);
const scenarios = allScenarios()
  .map((scenario, index) => ({ scenario, index }))
  .filter(({ scenario }) => words.length === 0 || words.some((word) => scenario.name.includes(word)));
if (scenarios.length === 0) {
  console.error(
    `no scenario matches ${words.join(' ')}; there are: ${allScenarios()
      .map((s) => s.name)
      .join(', ')}`,
  );
  process.exit(2);
}

const infraDir = path.join(root, '.local', 'faults-infra');
const logDir = path.join(root, '.local', 'faults', new Date().toISOString().replace(/[:.]/g, '-'));
console.log(
  `fault suite: ${scenarios.length} scenarios, ${shape.rate} messages/s over ${shape.concurrency} concurrent ` +
    `requests, ${shape.beforeMs / 1_000} s before each fault and ${shape.afterMs / 1_000} s after; logs in ${logDir}`,
);
const stack = await FaultStack.start({ infraDir, logDir });

const results = [];
let failed = false;
try {
  for (const { scenario, index } of scenarios) {
    const result = await runScenario(stack, scenario, index, shape);
    results.push(result);
    console.log(`\n${reportLines(result).join('\n')}`);
    const f = figuresOf(result.tally);
    if (f.lost || f.duplicateSubmits || f.duplicateSends || f.answersOther5xx) failed = true;
    // The next scenario starts from a bound SMPP channel.
    await stack.bound(120_000);
  }
} finally {
  console.log(
    '\nsummary (lost, duplicated submits SMSC/aggregator, sent again after a SIGKILL lost the answer SMSC/aggregator, callbacks redelivered/distinct-event duplicates, 5xx documented 503+504-unknown/other, recovered in s):',
  );
  for (const result of results) {
    const f = figuresOf(result.tally);
    const recovered = recoveredIn(result);
    console.log(
      `  ${result.scenario.name.padEnd(16)} accepted ${String(f.accepted).padStart(5)} final ${String(f.final).padStart(5)} ` +
        `lost ${f.lost} dup ${f.duplicateSubmits}/${f.duplicateSends} at-crash ${f.submitsAgainAtCrash}/${f.sendsAgainAtCrash} callbacks ${f.callbackRedeliveries}/${f.callbackDuplicateEvents} ` +
        `5xx ${f.answers503}+${f.answers504Unknown}/${f.answersOther5xx} recovered ${recovered === undefined ? 'never' : recovered.toFixed(1)}`,
    );
  }
  const kills = results.filter((result) => result.scenario.service);
  if (kills.length)
    console.log(
      `time to resume after SIGKILL (from the restart; target: within 10 s): ` +
        kills
          .map((result) => {
            const recovered = recoveredIn(result);
            return `${result.scenario.service} ${recovered === undefined ? 'never' : `${recovered.toFixed(1)} s`}`;
          })
          .join(', '),
    );
  await stack.stop();
  if (process.env.FAULTS_KEEP_INFRA !== '1')
    execFileSync('bash', [path.join(root, 'scripts/infra.sh'), 'down'], {
      env: { ...process.env, SMSGATE_INFRA_DIR: infraDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
}
process.exit(failed ? 1 : 0);
