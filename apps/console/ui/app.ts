import {
  actIn,
  api,
  ApiError,
  currentSession,
  knownWorkspaces,
  listOf,
  signIn,
  signOut,
  Workspace,
  workspacesChanged,
} from './api.js';
import { renderChannels } from './channels.js';
import { renderDeadLetters } from './dead-letters.js';
import { append, clearNotice, h, notify, replace } from './dom.js';
import { renderMessage } from './message.js';
import { renderMessages } from './messages.js';
import { renderTraffic } from './traffic.js';
import { renderWorkspaces } from './workspaces.js';

/** A page draws into `container` and returns what stops its timers when the operator leaves it. */
export type Page = (container: HTMLElement, param: string | undefined) => Promise<(() => void) | void>;

interface PageEntry {
  path: string;
  title: string;
  render: Page;
  /** Shown in the navigation. */
  nav: boolean;
  adminOnly?: boolean;
  /** Needs a workspace: an admin picks one first. */
  inWorkspace?: boolean;
}

const pages: PageEntry[] = [
  { path: 'messages', title: 'Messages', render: renderMessages, nav: true, inWorkspace: true },
  { path: 'message', title: 'Message', render: renderMessage, nav: false, inWorkspace: true },
  { path: 'traffic', title: 'Traffic', render: renderTraffic, nav: true, inWorkspace: true },
  { path: 'channels', title: 'Channels and binds', render: renderChannels, nav: true, inWorkspace: true },
  { path: 'dead-letters', title: 'Dead letters', render: renderDeadLetters, nav: true, adminOnly: true },
  { path: 'workspaces', title: 'Workspaces', render: renderWorkspaces, nav: true, adminOnly: true },
];

const root = document.getElementById('app') as HTMLElement;
let leave: (() => void) | void;

function showSignIn(reason?: string): void {
  leave?.();
  leave = undefined;
  document.title = 'Sign in · smsgate console';
  const field = h('input', {
    id: 'key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    'aria-describedby': 'key-help',
  });
  const error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert' }, reason ?? '');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'smsgate console'),
    h('label', { for: 'key' }, 'API key or admin token'),
    field,
    h(
      'p',
      { id: 'key-help', class: 'help' },
      "A workspace's API key shows that workspace; the admin token every workspace. It stays in this tab's memory: reloading signs you out.",
    ),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const candidate = field.value.trim();
    field.value = '';
    error.textContent = '';
    signIn(candidate)
      .then(async (session) => {
        if (session.role === 'admin') {
          workspacesChanged(
            await api<unknown>('GET', '/v1/workspaces')
              .then(listOf<Workspace>)
              .catch(() => []),
          );
        }
        if (!location.hash || location.hash === '#/') location.hash = '#/messages';
        else void route();
      })
      .catch((failure: unknown) => {
        error.textContent =
          failure instanceof ApiError && failure.status === 401
            ? 'That key is not valid.'
            : `Cannot sign in: ${(failure as Error).message}`;
        field.focus();
      });
  });
  replace(root, h('main', { id: 'main', class: 'centered' }, form));
  field.focus();
}

function shell(active: PageEntry): { container: HTMLElement; title: HTMLElement } {
  const session = currentSession()!;
  const nav = h(
    'nav',
    { 'aria-label': 'Console' },
    h(
      'ul',
      {},
      pages
        .filter((page) => page.nav && (!page.adminOnly || session.role === 'admin'))
        .map((page) =>
          h(
            'li',
            {},
            h(
              'a',
              {
                href: `#/${page.path}`,
                'aria-current':
                  page === active || (active.path === 'message' && page.path === 'messages')
                    ? 'page'
                    : undefined,
              },
              page.title,
            ),
          ),
        ),
    ),
  );
  const who =
    session.role === 'admin'
      ? workspacePicker()
      : h('span', { class: 'who' }, `Workspace: ${session.workspace?.name ?? ''}`);
  const out = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => (signOut(), showSignIn()) },
    'Sign out',
  );
  const title = h('h1', { id: 'page-title', tabindex: -1 }, active.title);
  const container = h('div', { id: 'page' });
  replace(
    root,
    h(
      'a',
      {
        class: 'skip',
        href: '#main',
        onclick: (event: Event) => (event.preventDefault(), document.getElementById('main')?.focus()),
      },
      'Skip to content',
    ),
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, 'smsgate'),
      nav,
      h('div', { class: 'session' }, who, out),
    ),
    h('main', { id: 'main', tabindex: -1 }, title, h('div', { id: 'notice', class: 'notice' }), container),
  );
  return { container, title };
}

function workspacePicker(): HTMLElement {
  const session = currentSession()!;
  const workspaces = knownWorkspaces();
  const select = h(
    'select',
    { id: 'workspace', 'aria-label': 'Workspace shown' },
    workspaces.length === 0 ? h('option', { value: '' }, 'no workspaces yet') : null,
    workspaces.map((workspace) =>
      h('option', { value: workspace.id, selected: workspace.id === session.workspace?.id }, workspace.name),
    ),
  );
  select.addEventListener('change', () => {
    actIn(knownWorkspaces().find((workspace) => workspace.id === select.value));
    void route();
  });
  return h('label', { class: 'who' }, 'Admin · workspace ', select);
}

async function route(): Promise<void> {
  const session = currentSession();
  if (!session) return showSignIn();
  const [, path = 'messages', param] = location.hash.split('/');
  const page = pages.find((entry) => entry.path === path) ?? pages[0];
  leave?.();
  leave = undefined;
  const { container, title } = shell(page);
  document.title = `${page.title} · smsgate console`;
  clearNotice();
  // The new page's heading takes focus at once, so keyboard and screen-reader users start at its top (not
  // after its data arrived: by then they may have moved on to a field).
  title.focus();
  if (page.adminOnly && session.role !== 'admin') {
    append(container, [h('p', {}, 'This page needs the admin token.')]);
    return;
  }
  if (page.inWorkspace && !session.workspace) {
    append(container, [h('p', {}, 'Create a workspace first (Workspaces), then pick it above.')]);
    return;
  }
  try {
    leave = await page.render(container, param ? decodeURIComponent(param) : undefined);
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 401) {
      signOut();
      return showSignIn('Your key is no longer valid: sign in again.');
    }
    notify(`Could not load this page: ${(failure as Error).message}`, 'error');
  }
}

window.addEventListener('hashchange', () => void route());
showSignIn();
