import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FAULT_SERVICES, type FaultStack } from './fault-stack';
import { LoadClient } from './load-client';
import { figuresOf } from './report';
import type { Scenario } from './scenarios';
import { FINAL, tally, type FaultWindow, type Tally } from './tally';

export interface LoadShape {
  /** Messages per second and requests open at once. */
  rate: number;
  concurrency: number;
  /** Load before the fault, and after its end. */
  beforeMs: number;
  afterMs: number;
  /** How long to wait at most, once the load stopped, for every accepted message to be final. */
  settleMs: number;
  /** Then this much longer, for late copies (a resubmit from a retry topic) to show up. */
  quietMs: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  window: FaultWindow;
  tally: Tally;
  /** Seconds from the load's start until everything settled. */
  seconds: number;
  settled: boolean;
  evidenceFile: string;
}

/**
 * Runs one scenario: single-message load on both channels, the fault after `beforeMs`, load for
 * `afterMs` after its end, then waits until every accepted message is final and its final callback
 * came (or `settleMs` ran out), and counts. Writes the evidence (every lost message, duplicate and
 * unexpected 5xx, with the SMSC's and aggregator's records and the service log lines naming the ids) to
 * `<logDir>/<scenario>.evidence.json`.
 */
export async function runScenario(
  stack: FaultStack,
  scenario: Scenario,
  index: number,
  shape: LoadShape,
): Promise<ScenarioResult> {
  const started = Date.now();
  const callbackMark = stack.sink.callbacks.length;
  const requestMark = stack.aggregator.requests.length;
  const client = new LoadClient({
    url: `${stack.services.ingress.url}/v1/messages`,
    apiKey: stack.workspace.apiKey,
    channels: stack.channels,
    notifyUrl: stack.sink.url,
    rate: shape.rate,
    concurrency: shape.concurrency,
    destination: (n) => `+25470${index % 10}${String(n).padStart(6, '0')}`,
    tag: scenario.name,
  });
  client.start();
  await sleep(shape.beforeMs);
  const window = await scenario.inject(stack);
  await sleep(shape.afterMs);
  await client.stop();

  const ids = () => client.messages.flatMap((message) => message.ids);
  const callbacks = () => stack.sink.callbacks.slice(callbackMark);
  const deadline = Date.now() + shape.settleMs;
  let statuses = new Map<string, string>();
  let settled = false;
  for (;;) {
    statuses = await stack.statuses(ids()).catch(() => statuses);
    const seen = new Set(callbacks().map((callback) => `${callback.id} ${callback.status}`));
    settled = ids().every((id) => {
      const status = statuses.get(id);
      return status !== undefined && FINAL.has(status) && seen.has(`${id} ${status}`);
    });
    if ((settled && stack.aggregator.reportsPending === 0) || Date.now() > deadline) break;
    await sleep(1_000);
  }
  await sleep(shape.quietMs);
  statuses = await stack.statuses(ids()).catch(() => statuses);

  const result = tally({
    messages: client.messages,
    submits: stack.smsc.submits(),
    requests: stack.aggregator.requests.slice(requestMark),
    callbacks: callbacks(),
    statuses,
    window,
  });
  const evidenceFile = path.join(stack.options.logDir, `${scenario.name}.evidence.json`);
  writeFileSync(evidenceFile, JSON.stringify(evidenceOf(stack, scenario, window, result, client), null, 1));
  return { scenario, window, tally: result, seconds: (Date.now() - started) / 1_000, settled, evidenceFile };
}

function evidenceOf(
  stack: FaultStack,
  scenario: Scenario,
  window: FaultWindow,
  result: Tally,
  client: LoadClient,
) {
  const logs = FAULT_SERVICES.map((name) => {
    const file = path.join(stack.options.logDir, `${name}.log`);
    return { name, lines: existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [] };
  });
  /** Service log lines naming any of these ids (at most 40 per message). */
  const logLinesOf = (ids: string[]) =>
    Object.fromEntries(
      logs
        .map(
          ({ name, lines }) =>
            [name, lines.filter((line) => ids.some((id) => line.includes(id))).slice(0, 40)] as const,
        )
        .filter(([, lines]) => lines.length > 0),
    );
  const attemptsOf = (key: string) => client.messages.find((message) => message.key === key)?.attempts;
  const cases = <T extends { key: string; ids?: string[] }>(list: T[]) =>
    list
      .slice(0, 20)
      .map((entry) => ({ ...entry, attempts: attemptsOf(entry.key), logs: logLinesOf(entry.ids ?? []) }));
  return {
    scenario: scenario.name,
    title: scenario.title,
    window: {
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
      marks: Object.fromEntries(
        Object.entries(window.marks ?? {}).map(([k, v]) => [k, new Date(v).toISOString()]),
      ),
    },
    figures: { ...figuresOf(result), answers: result.answers, resume: result.resume },
    lost: cases(result.lost),
    failedButSent: cases(result.failedButSent),
    duplicateSubmits: cases(result.duplicateSubmits),
    duplicateSends: cases(result.duplicateSends),
    unacceptedButSent: cases(result.unacceptedButSent),
    extraIds: cases(result.extraIds),
    answersOther5xx: result.answersOther5xx.slice(0, 50),
    callbackDuplicateEvents: result.callbackDuplicateEvents.slice(0, 50),
    missingFinalCallbacks: result.missingFinalCallbacks.slice(0, 50),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
