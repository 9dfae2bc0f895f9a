// Small DOM helpers for the console's pages. Text is always set as text (never parsed as HTML), so what
// a message or a provider says cannot become markup.

type Child = Node | string | number | null | undefined | false | Child[];
type Attributes = Record<string, string | number | boolean | EventListener | undefined | null>;

/** `h('button', {type: 'button', onclick: …}, 'Save')`: an element with attributes, listeners and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `parent` holds. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A time as the operator's browser shows it, with seconds. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { hour12: false });
}

export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value < 1_000 ? `${Math.round(value)} ms` : `${(value / 1_000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `status status-${status}` }, status);
}

/** A table: `columns` are headings, `rows` cells. */
export function table(
  caption: string,
  columns: string[],
  rows: (Child | Child[])[][],
  empty = 'Nothing to show.',
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((column) => h('th', { scope: 'col' }, column)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((cell) => h('td', {}, cell)),
        ),
      ),
    ),
  );
}

/**
 * Asks before an action that changes state: a modal dialog (Escape or Cancel says no; focus starts on
 * Cancel, so Enter alone never confirms by accident). Resolves true only on the confirm button.
 */
export function confirmAction(title: string, body: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' });
    const cancel = h('button', { type: 'button', class: 'secondary', 'data-action': 'cancel' }, 'Cancel');
    const ok = h('button', { type: 'button', class: 'danger', 'data-action': 'confirm' }, confirmLabel);
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    ok.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    append(dialog, [
      h('h2', { id: 'confirm-title' }, title),
      h('p', {}, body),
      h('div', { class: 'actions' }, cancel, ok),
    ]);
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** Shows a secret once (a new API key): it is not kept anywhere after the dialog closes. */
export function showOnce(title: string, label: string, secret: string): Promise<void> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'secret', 'aria-labelledby': 'secret-title' });
    const field = h('input', {
      type: 'text',
      readonly: true,
      value: secret,
      'aria-label': label,
      class: 'secret-value',
    });
    const close = h('button', { type: 'button' }, 'I have stored it');
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    append(dialog, [
      h('h2', { id: 'secret-title' }, title),
      h('p', {}, `${label}. It is shown this once: smsgate keeps only its hash.`),
      field,
      h('div', { class: 'actions' }, close),
    ]);
    document.body.appendChild(dialog);
    dialog.showModal();
    field.select();
  });
}

/** A line under the page's heading saying what happened: polite for outcomes, assertive for errors. */
export function notify(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const area = document.getElementById('notice');
  if (!area) return;
  area.className = `notice notice-${kind}`;
  area.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  area.textContent = text;
}

export function clearNotice(): void {
  const area = document.getElementById('notice');
  if (area) {
    area.textContent = '';
    area.className = 'notice';
  }
}
