import { api } from './api.js';
import { confirmAction, h, notify, replace, table, time } from './dom.js';

interface Letter {
  id: string;
  sourceTopic: string;
  group: string;
  partition: number;
  offset: string;
  key: string | null;
  reason: string;
  attempts: number;
  failedAt: string;
  headers: Record<string, string>;
  value: string;
  valueEncoding: 'utf8' | 'base64';
  json: unknown;
}

interface Page {
  scanned: number;
  matched: number;
  results: Letter[];
  unusable: { partition: number; offset: string; reason: string }[];
}

interface Replayed {
  scanned: number;
  matched: { id: string }[];
  replayed: number;
  unusable: { reason: string }[];
  dryRun: boolean;
}

/** The dead-letter topic: browse by topic and reason, look at a payload, replay one or many. */
export async function renderDeadLetters(container: HTMLElement): Promise<void> {
  const topic = h('input', {
    id: 'd-topic',
    type: 'search',
    placeholder: 'sms.outbound.requested.v1',
    autocomplete: 'off',
  });
  const reason = h('input', {
    id: 'd-reason',
    type: 'search',
    placeholder: 'a regular expression',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter dead letters' },
    h('div', { class: 'field' }, h('label', { for: 'd-topic' }, 'Source topic'), topic),
    h('div', { class: 'field' }, h('label', { for: 'd-reason' }, 'Reason matches'), reason),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Search')),
  );
  const summary = h('p', { class: 'help', id: 'dlq-summary' });
  const results = h('div', { id: 'dlq-results' });
  const inspector = h('section', { id: 'dlq-inspector', 'aria-live': 'polite' });
  const replaySelected = h(
    'button',
    { type: 'button', id: 'replay-selected', disabled: true },
    'Replay selected…',
  );
  const outcome = h('div', { id: 'replay-outcome', role: 'status' });
  let letters: Letter[] = [];
  const selected = new Set<string>();

  const inspect = (letter: Letter) =>
    replace(
      inspector,
      h('h2', {}, `Letter ${letter.id}`),
      h(
        'dl',
        { class: 'facts' },
        [
          ['From', `${letter.sourceTopic} [${letter.partition}] @ ${letter.offset}`],
          ['Consumer group', letter.group],
          ['Key', letter.key ?? '—'],
          ['Reason', letter.reason],
          ['Attempts', String(letter.attempts)],
          ['Failed at', time(letter.failedAt)],
        ].map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
      ),
      h('h3', {}, 'Payload'),
      h(
        'pre',
        { class: 'json', tabindex: 0, id: 'dlq-payload' },
        letter.json !== null
          ? JSON.stringify(letter.json, null, 2)
          : `${letter.valueEncoding}: ${letter.value}`,
      ),
      h('h3', {}, 'Headers'),
      h('pre', { class: 'json', tabindex: 0 }, JSON.stringify(letter.headers, null, 2)),
    );

  const draw = () => {
    replaySelected.disabled = selected.size === 0;
    replaySelected.textContent = `Replay selected (${selected.size})…`;
    replace(
      results,
      table(
        'Dead letters, newest first',
        ['', 'Failed at', 'Source topic', 'Group', 'Reason', 'Attempts', ''],
        letters.map((letter) => {
          const box = h('input', {
            type: 'checkbox',
            checked: selected.has(letter.id),
            'aria-label': `select letter ${letter.id}`,
          });
          box.addEventListener('change', () => {
            if (box.checked) selected.add(letter.id);
            else selected.delete(letter.id);
            replaySelected.disabled = selected.size === 0;
            replaySelected.textContent = `Replay selected (${selected.size})…`;
          });
          return [
            box,
            time(letter.failedAt),
            letter.sourceTopic,
            letter.group,
            h('span', { class: 'clip', title: letter.reason }, letter.reason),
            String(letter.attempts),
            h(
              'div',
              { class: 'row-actions' },
              h('button', { type: 'button', class: 'secondary', onclick: () => inspect(letter) }, 'Inspect'),
              h('button', { type: 'button', onclick: () => void replay([letter.id]) }, 'Replay…'),
            ),
          ];
        }),
        'No dead letter matches.',
      ),
    );
  };

  const load = async () => {
    summary.textContent = 'Reading the dead-letter topic…';
    const params = new URLSearchParams({ limit: '200' });
    if (topic.value.trim()) params.set('topic', topic.value.trim());
    if (reason.value.trim()) params.set('reason', reason.value.trim());
    const page = await api<Page>('GET', `/v1/dead-letters?${params}`);
    letters = page.results;
    for (const id of [...selected]) if (!letters.some((letter) => letter.id === id)) selected.delete(id);
    summary.textContent = `${page.matched} of ${page.scanned} records match${page.matched > letters.length ? ` (the newest ${letters.length} shown)` : ''}${page.unusable.length ? `; ${page.unusable.length} records are not dead letters` : ''}.`;
    draw();
  };

  const replay = async (ids: string[]) => {
    const yes = await confirmAction(
      `Replay ${ids.length} dead letter${ids.length === 1 ? '' : 's'}?`,
      'Each goes back to the topic it came from, and every consumer of that topic sees it again (an event already applied changes nothing).',
      'Replay',
    );
    if (!yes) return;
    try {
      const answer = await api<Replayed>('POST', '/v1/dead-letters/replay', { ids });
      const text = `Replayed ${answer.replayed} of ${ids.length}${answer.unusable.length ? `; not replayable: ${answer.unusable.map((u) => u.reason).join('; ')}` : ''}.`;
      replace(outcome, h('p', { class: 'outcome' }, text));
      notify(text, answer.replayed === ids.length ? 'ok' : 'error');
      selected.clear();
      draw();
    } catch (failure) {
      notify(`Nothing replayed: ${(failure as Error).message}`, 'error');
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load().catch((failure: Error) => notify(`Cannot read the dead letters: ${failure.message}`, 'error'));
  });
  replaySelected.addEventListener('click', () => void replay([...selected]));
  replace(
    container,
    form,
    summary,
    h('div', { class: 'toolbar' }, replaySelected),
    outcome,
    results,
    inspector,
  );
  await load();
}
