import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APPS } from './boot-plan';
import { repoRoot } from './compose-file';
import { defaultPort } from './env-check';

/**
 * `npm start` (scripts/start.sh) is the one form no manifest describes: its list of services, the URLs it
 * gives the console and ingress, and what it prints once everything is ready, read from the script.
 */
describe('scripts/start.sh', () => {
  const script = readFileSync(path.join(repoRoot, 'scripts', 'start.sh'), 'utf8');
  const started = Object.fromEntries(
    (/^SERVICES=\(([^)]*)\)$/m.exec(script)?.[1] ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((entry) => entry.split(':'))
      .map(([name, port]) => [name, Number(port)]),
  );
  /** `export NAME=${NAME:-value}`: the value when the shell does not set one. */
  const exported = (name: string) =>
    new RegExp(`^export ${name}=\\$\\{${name}:-([^}]+)\\}$`, 'm').exec(script)?.[1];

  it('starts every service, each on its default port', () => {
    expect(Object.keys(started).sort()).toEqual([...APPS].sort());
    for (const app of APPS) expect({ app, port: started[app] }).toEqual({ app, port: defaultPort(app) });
  });

  it('points the console and ingress at the ingress and dlr-tracker it starts', () => {
    const local = (app: string) => `http://127.0.0.1:${started[app]}`;
    expect({
      INGRESS_URL: exported('INGRESS_URL'),
      DLR_TRACKER_URL: exported('DLR_TRACKER_URL'),
      MESSAGES_API_URL: exported('MESSAGES_API_URL'),
    }).toEqual({
      INGRESS_URL: local('ingress'),
      DLR_TRACKER_URL: local('dlr-tracker'),
      MESSAGES_API_URL: local('dlr-tracker'),
    });
  });

  it("prints every service's URL and, last, the console's, and never the admin token", () => {
    // The message printed once every service is ready, run as the script runs it.
    const message = /^cat <<MSG\n[\s\S]*?\nMSG$/m.exec(script)?.[0];
    expect(message).toBeDefined();
    const token = 'admin-token-0123456789abcdef';
    const printed = spawnSync('bash', ['-c', message!], {
      env: { PATH: process.env.PATH, ADMIN_TOKEN: token, SMPP_PORT: '2775', KAFKA_BROKERS: '127.0.0.1:9092' },
      encoding: 'utf8',
    });
    expect(printed.status).toBe(0);
    // Without the terminal's bold on and off (ESC [ … m) around the console's line.
    const text = printed.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
    for (const app of APPS)
      expect(text).toMatch(new RegExp(`^  ${app} +http://127\\.0\\.0\\.1:${started[app]}( |$)`, 'm'));
    expect(text).not.toContain(token);
    expect(text).toContain('Bearer $ADMIN_TOKEN');
    const consoleLine = text.lastIndexOf(`Console: http://127.0.0.1:${started.console}`);
    expect(consoleLine).toBeGreaterThan(text.lastIndexOf('curl '));
    expect(text.slice(consoleLine)).toContain('.local/secrets.env');
  });
});
