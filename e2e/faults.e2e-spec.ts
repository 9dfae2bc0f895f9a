import {
  FaultStack,
  figuresOf,
  infraCommand,
  kafkaScenario,
  killTogetherScenario,
  postgresScenario,
  repoRoot,
  reportLines,
  runScenario,
  type LoadShape,
  type Scenario,
} from '@smsgate/testing';
import path from 'node:path';

/**
 * The short fault suite (the whole one is `npm run faults`): single-message load on an SMPP and an
 * HTTP channel while the dispatcher and smpp-binds are SIGKILLed, PostgreSQL is stopped and Kafka is
 * SIGKILLed, each started again. Nothing accepted may be lost, nothing may reach the SMSC or the
 * aggregator twice, and no answer may be a 5xx other than the documented 503 (nothing accepted) and 504 outcome
 * unknown (repeat with the key).
 *
 * It kills its own Kafka and PostgreSQL (.local/faults-test-infra), never the instance the other test
 * files share, and stops them at the end.
 */
describe('faults without duplicates (short)', () => {
  const infraDir = path.join(repoRoot, '.local', 'faults-test-infra');
  // Not under .local/test-results: npm test reads every file there as a Jest result.
  const logDir = path.join(repoRoot, '.local', 'faults-test');
  const shape: LoadShape = {
    rate: 25,
    concurrency: 10,
    beforeMs: 3_000,
    afterMs: 8_000,
    settleMs: 90_000,
    quietMs: 2_000,
  };
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start({ infraDir, logDir });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await infraCommand(infraDir, 'down');
  }, 60_000);

  const scenarios: Scenario[] = [
    killTogetherScenario(['dispatcher', 'smpp-binds']),
    postgresScenario(5_000),
    kafkaScenario(8_000),
  ];

  it.each(scenarios.map((scenario, index) => [scenario.name, scenario, index] as const))(
    '%s: loses nothing, sends nothing twice, answers no 5xx but the documented 503 and 504 outcome unknown',
    async (_name, scenario, index) => {
      await stack.bound(60_000);
      const result = await runScenario(stack, scenario, index, shape);
      console.log(reportLines(result).join('\n'));
      const f = figuresOf(result.tally);
      expect(f.accepted).toBeGreaterThan(0);
      expect({
        lost: f.lost,
        duplicateSubmits: f.duplicateSubmits,
        duplicateSends: f.duplicateSends,
        answersOther5xx: f.answersOther5xx,
      }).toEqual({ lost: 0, duplicateSubmits: 0, duplicateSends: 0, answersOther5xx: 0 });
    },
    240_000,
  );
});
