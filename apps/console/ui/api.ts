// The signed-in session and the calls to the console's API (same origin). The key lives in this module's
// memory only: never in a URL, a cookie or the browser's storage, so a reload signs the operator out.

export interface Workspace {
  id: string;
  name: string;
}

export interface Session {
  role: 'admin' | 'workspace';
  /** The workspace a workspace key belongs to, or the one an admin is looking at. */
  workspace?: Workspace;
}

let key: string | undefined;
let session: Session | undefined;
let workspaces: Workspace[] = [];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const currentSession = (): Session | undefined => session;

/** Checks the key (GET /v1/whoami) and keeps it for the session. */
export async function signIn(candidate: string): Promise<Session> {
  const answer = await call<{ role: 'admin' } | { role: 'workspace'; workspace: Workspace }>(
    'GET',
    '/v1/whoami',
    undefined,
    candidate,
  );
  key = candidate;
  session = answer.role === 'admin' ? { role: 'admin' } : { role: 'workspace', workspace: answer.workspace };
  return session;
}

export function signOut(): void {
  key = undefined;
  session = undefined;
  workspaces = [];
}

/** The workspaces an admin can pick from. */
export const knownWorkspaces = (): Workspace[] => workspaces;

/** Told when the admin's list of workspaces changed; the first is picked when none was. */
export function workspacesChanged(list: Workspace[]): void {
  workspaces = list;
  if (session?.role === 'admin' && !session.workspace) actIn(list[0]);
}

/** An admin picks the workspace the workspace pages show. */
export function actIn(workspace: Workspace | undefined): void {
  if (session?.role === 'admin') session = { ...session, workspace };
}

export function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  if (!key) return Promise.reject(new ApiError(401, 'not signed in'));
  return call<T>(method, path, body, key);
}

async function call<T>(method: string, path: string, body: unknown, bearer: string): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (session?.role === 'admin' && session.workspace) headers['x-smsgate-workspace'] = session.workspace.id;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'the console cannot be reached');
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const message =
      json && typeof json === 'object' && 'message' in json
        ? String((json as { message: unknown }).message)
        : text;
    throw new ApiError(response.status, message || `${response.status} ${response.statusText}`);
  }
  return json as T;
}

/** A list answer, whichever key the service puts it under. */
export function listOf<T>(answer: unknown): T[] {
  if (Array.isArray(answer)) return answer as T[];
  if (answer && typeof answer === 'object') {
    for (const name of ['results', 'data', 'channels']) {
      const value = (answer as Record<string, unknown>)[name];
      if (Array.isArray(value)) return value as T[];
    }
  }
  return [];
}
