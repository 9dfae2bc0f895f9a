import type { ScenarioResult } from './run-scenario';
import type { Tally } from './tally';

const s = (value: number | undefined) => (value === undefined ? 'never' : value.toFixed(1));

/** The figures the suite is about, as numbers (the e2e spec asserts on these). */
export function figuresOf(tally: Tally) {
  return {
    sent: tally.sent,
    accepted: tally.accepted,
    final: tally.final,
    lost: tally.lost.length,
    /** Extra copies after an answer the sender had time to record: what smsgate promises never to make. */
    duplicateSubmits: tally.duplicateSubmits.reduce((sum, d) => sum + d.submits.length - 1 - d.atCrash, 0),
    duplicateSends: tally.duplicateSends.reduce((sum, d) => sum + d.requests.length - 1 - d.atCrash, 0),
    /** Extra copies whose earlier copy's answer was lost to a SIGKILL: at least once, documented. */
    submitsAgainAtCrash: tally.duplicateSubmits.reduce((sum, d) => sum + d.atCrash, 0),
    sendsAgainAtCrash: tally.duplicateSends.reduce((sum, d) => sum + d.atCrash, 0),
    unacceptedButSent: tally.unacceptedButSent.length,
    callbackRedeliveries: tally.callbackRedeliveries,
    callbackDuplicateEvents: tally.callbackDuplicateEvents.length,
    answers503: tally.answers503,
    answers504Unknown: tally.answers504Unknown,
    answersOther5xx: tally.answersOther5xx.length,
  };
}

/** Seconds until the traffic this scenario breaks flowed again (the largest of its resume figures). */
export function recoveredIn(result: ScenarioResult): number | undefined {
  const values = result.scenario.resumeBy.map((kind) => result.tally.resume[kind]);
  return values.some((value) => value === undefined) ? undefined : Math.max(...(values as number[]));
}

export function reportLines(result: ScenarioResult): string[] {
  const { tally: t, scenario, window } = result;
  const f = figuresOf(t);
  const neverFinal = t.lost.filter((l) => l.reason === 'never final').length;
  const ready = window.marks?.ready;
  const recovered = recoveredIn(result);
  const other5xx = Object.entries(
    t.answersOther5xx.reduce<Record<number, number>>(
      (counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }),
      {},
    ),
  )
    .map(([status, n]) => `${n}×${status}`)
    .join(', ');
  return [
    `${scenario.name}: ${scenario.title}${result.settled ? '' : ' (NOT SETTLED: some messages were still open at the deadline)'}`,
    `  accepted ${f.accepted} of ${f.sent} sent (rejected ${t.rejected}, given up ${t.gaveUp}); final ${f.final}; ` +
      `lost ${f.lost} (never final ${neverFinal}, final without the provider having it ${f.lost - neverFinal}); ` +
      `statuses ${JSON.stringify(t.byStatus)}, failed although the provider has it ${t.failedButSent.length}`,
    `  duplicated submits: SMSC ${f.duplicateSubmits} extra part submits, aggregator ${f.duplicateSends} extra sends; ` +
      `sent again because a SIGKILL lost the answer to the copy before (at least once, same message id and ` +
      `part): SMSC ${f.submitsAgainAtCrash}, aggregator ${f.sendsAgainAtCrash}; ` +
      `reached the provider without an acceptance ${f.unacceptedButSent}; messages with more than one id ${t.extraIds.length}`,
    `  duplicated callbacks: ${f.callbackRedeliveries} redeliveries of an event id (at least once, by design), ` +
      `${f.callbackDuplicateEvents} changes under distinct event ids (and ${t.callbackRepeatedStatuses} ` +
      `statuses reported again as another change, e.g. errored per attempt); final callbacks missing ` +
      `${t.missingFinalCallbacks.length}`,
    `  answers ${JSON.stringify(t.answers)}: documented 503 ${f.answers503} and 504 outcome unknown ` +
      `${f.answers504Unknown}, other 5xx ${f.answersOther5xx}` +
      `${other5xx ? ` (${other5xx})` : ''}, connection errors/time-outs ${t.connectionErrors}`,
    `  resume after the fault's end, s: accept ${s(t.resume.accept)}, SMSC ${s(t.resume.smsc)}, ` +
      `aggregator ${s(t.resume.aggregator)}, callbacks ${s(t.resume.callbacks)} → recovered in ${s(recovered)} s` +
      (scenario.service && ready
        ? ` (${scenario.service} ready ${s((ready - window.end) / 1_000)} s after its restart)`
        : '') +
      `; fault lasted ${s((window.end - window.start) / 1_000)} s; scenario ${result.seconds.toFixed(0)} s`,
    ...examples(t),
    `  evidence: ${result.evidenceFile}`,
  ];
}

/** One case of each problem found, so that a failing run names what to look for. */
function examples(t: Tally): string[] {
  const lines: string[] = [];
  const [lost] = t.lost;
  if (lost) lines.push(`  e.g. lost: ${lost.key} to ${lost.to}, ids ${lost.ids.join(',')}: ${lost.reason}`);
  const [submit] = t.duplicateSubmits;
  if (submit)
    lines.push(
      `  e.g. duplicate submit: ${submit.to} part ${submit.part}, message ${submit.ids.join(',')}, SMSC ids ` +
        submit.submits.map((s) => `${s.id} at ${new Date(s.at).toISOString()}`).join(', '),
    );
  const [send] = t.duplicateSends;
  if (send)
    lines.push(
      `  e.g. duplicate send: ${send.to}, message ${send.ids.join(',')}, taken at ` +
        send.requests.map((r) => new Date(r.at).toISOString()).join(', '),
    );
  const [failed] = t.failedButSent;
  if (failed)
    lines.push(
      `  e.g. failed although sent: ${failed.to}, ${failed.ids.join(',')} ${failed.statuses.join(',')}`,
    );
  const [other] = t.answersOther5xx;
  if (other)
    lines.push(
      `  e.g. ${other.status} at ${new Date(other.at).toISOString()} for ${other.key}: ${other.body ?? ''}`,
    );
  return lines;
}
