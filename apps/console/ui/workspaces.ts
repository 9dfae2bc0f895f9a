import { api, listOf, Workspace, workspacesChanged } from './api.js';
import { confirmAction, h, notify, replace, showOnce, table, time } from './dom.js';

interface WorkspaceRow extends Workspace {
  apiKeyPrefix?: string;
  createdAt: string;
}

/** Workspaces (admin): list, create (its key shown once), rotate a key (the new one shown once). */
export async function renderWorkspaces(container: HTMLElement): Promise<void> {
  const list = h('div', { id: 'workspace-list' });
  const name = h('input', { id: 'w-name', required: true, maxlength: 200, autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'filters', 'aria-labelledby': 'w-create-title' },
    h('h2', { id: 'w-create-title', class: 'full' }, 'Create a workspace'),
    h('div', { class: 'field' }, h('label', { for: 'w-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Create…')),
  );

  const load = async () => {
    const rows = listOf<WorkspaceRow>(await api<unknown>('GET', '/v1/workspaces'));
    workspacesChanged(rows);
    replace(
      list,
      table(
        'Workspaces',
        ['Name', 'Id', 'Key starts', 'Created', 'Actions'],
        rows.map((workspace) => [
          workspace.name,
          h('code', {}, workspace.id),
          workspace.apiKeyPrefix ? h('code', {}, `${workspace.apiKeyPrefix}…`) : '—',
          time(workspace.createdAt),
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => void rotate(workspace) },
            'Rotate API key…',
          ),
        ]),
        'No workspace yet.',
      ),
    );
  };

  const rotate = async (workspace: WorkspaceRow) => {
    const yes = await confirmAction(
      `Rotate the API key of ${workspace.name}?`,
      'A new key works at once; the current one stops working within 30 seconds. Every client of the workspace needs the new key.',
      'Rotate',
    );
    if (!yes) return;
    try {
      const answer = await api<{ apiKey: string }>('POST', `/v1/workspaces/${workspace.id}/api-key`);
      await showOnce(`New API key of ${workspace.name}`, 'The new API key', answer.apiKey);
      notify(`The API key of ${workspace.name} was rotated.`);
      await load();
    } catch (failure) {
      notify(`Not rotated: ${(failure as Error).message}`, 'error');
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const wanted = name.value.trim();
    if (!wanted) return;
    void confirmAction(
      `Create the workspace ${wanted}?`,
      'It gets its own API key and callback signing secret.',
      'Create',
    ).then(async (yes) => {
      if (!yes) return;
      try {
        const answer = await api<{ id: string; name: string; apiKey: string }>('POST', '/v1/workspaces', {
          name: wanted,
        });
        name.value = '';
        await showOnce(`Workspace ${answer.name} created`, 'Its API key', answer.apiKey);
        notify(`Workspace ${answer.name} created.`);
        await load();
      } catch (failure) {
        notify(`Not created: ${(failure as Error).message}`, 'error');
      }
    });
  });
  replace(container, form, list);
  await load();
}
