import { FAULT_SERVICES, type FaultService, type FaultStack } from './fault-stack';
import type { FaultWindow } from './tally';

export interface Scenario {
  name: string;
  /** What it breaks, for the report. */
  title: string;
  /** The service whose own resume time the report names (for the SIGKILL scenarios). */
  service?: FaultService;
  /** Which resume figure says that this fault is over. */
  resumeBy: ('accept' | 'smsc' | 'aggregator' | 'callbacks')[];
  inject(stack: FaultStack): Promise<FaultWindow>;
}

/** The traffic a service carries, whose return says it resumed after its SIGKILL. */
const CARRIES: Record<FaultService, Scenario['resumeBy']> = {
  ingress: ['accept'],
  dispatcher: ['smsc', 'aggregator'],
  'smpp-binds': ['smsc'],
  'dlr-tracker': ['callbacks'],
};

export const killScenario = (service: FaultService): Scenario => ({
  name: `kill-${service}`,
  title: `SIGKILL of ${service}, restarted at once`,
  service,
  resumeBy: CARRIES[service],
  async inject(stack) {
    const { killedAt, spawnedAt, readyAt } = await stack.killService(service);
    return {
      start: killedAt,
      end: spawnedAt,
      marks: { ready: readyAt },
      crashes: [{ who: service, at: killedAt }],
    };
  },
});

/** Several services SIGKILLed at the same moment, each restarted at once (the short suite's kill). */
export const killTogetherScenario = (services: FaultService[]): Scenario => ({
  name: `kill-${services.join('+')}`,
  title: `SIGKILL of ${services.join(' and ')} together, restarted at once`,
  resumeBy: [...new Set(services.flatMap((service) => CARRIES[service]))],
  async inject(stack) {
    const runs = await Promise.all(services.map((service) => stack.killService(service)));
    return {
      start: Math.min(...runs.map((run) => run.killedAt)),
      end: Math.max(...runs.map((run) => run.spawnedAt)),
      marks: { ready: Math.max(...runs.map((run) => run.readyAt)) },
      crashes: services.map((who, index) => ({ who, at: runs[index].killedAt })),
    };
  },
});

export const kafkaScenario = (downMs = 15_000): Scenario => ({
  name: 'kill-kafka',
  title: `Kafka SIGKILLed, started again after ${downMs / 1_000} s`,
  resumeBy: ['accept', 'smsc', 'aggregator', 'callbacks'],
  async inject(stack) {
    const { killedAt, readyAt } = await stack.killKafka(downMs);
    return { start: killedAt, end: readyAt };
  },
});

export const postgresScenario = (downMs = 10_000): Scenario => ({
  name: 'stop-postgres',
  title: `PostgreSQL stopped (fast), started again after ${downMs / 1_000} s`,
  resumeBy: ['accept', 'smsc', 'aggregator', 'callbacks'],
  async inject(stack) {
    const { stoppedAt, readyAt } = await stack.stopPostgres(downMs);
    return { start: stoppedAt, end: readyAt };
  },
});

export const smscScenario = (downMs = 5_000): Scenario => ({
  name: 'kill-smsc',
  title: `the SMSC SIGKILLed just after a submit_sm came in (unanswered), restarted after ${downMs / 1_000} s`,
  resumeBy: ['smsc'],
  async inject(stack) {
    const { killedAt, restartedAt, inFlight } = await stack.killSmsc(downMs);
    if (!inFlight)
      throw new Error('no submit_sm reached the SMSC within 10 s: nothing to kill it in the middle of');
    return { start: killedAt, end: restartedAt, crashes: [{ who: 'smsc', at: killedAt }] };
  },
});

export const aggregatorScenario = (ms = 30_000): Scenario => ({
  name: 'aggregator-500',
  title: `the aggregator answering 500 for ${ms / 1_000} s`,
  resumeBy: ['aggregator'],
  async inject(stack) {
    const { from, until } = await stack.failAggregator(ms);
    return { start: from, end: until };
  },
});

/** Every scenario of `npm run faults`, in order. */
export const allScenarios = (): Scenario[] => [
  ...FAULT_SERVICES.map(killScenario),
  kafkaScenario(),
  postgresScenario(),
  smscScenario(),
  aggregatorScenario(),
];
