import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './compose-file';
import { Manifest, render, renderHelm } from './manifests';
import {
  dashboardFile,
  DashboardPanel,
  loadDashboard,
  loadRules,
  observabilityDir,
  promqlReferences,
  rulesFile,
} from './promql-references';

/** promtool from Debian's prometheus package (scripts/lib.sh ensure_promtool installs it). */
function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: observabilityDir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT')
      throw new Error('promtool is needed: apt-get install prometheus (npm test does)');
    throw new Error(`promtool ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/** GitHub's anchor for a Markdown heading. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

/** The forms that ship the rules and the dashboard: both must carry the files unchanged. */
const SHIPPED_BY: [string, () => Manifest[]][] = [
  ['the production overlay', () => render('overlays/production')],
  ['the Helm chart with ci/production-values.yaml', () => renderHelm(['ci/production-values.yaml'])],
];

describe('alert rules (deploy/observability/smsgate-rules.yaml)', () => {
  const rules = loadRules().groups.flatMap((group) => group.rules);

  it('pass promtool check rules and their promtool unit tests', () => {
    expect(promtool('check', 'rules', rulesFile)).toContain('SUCCESS');
    expect(promtool('test', 'rules', 'smsgate-rules.test.yaml')).toContain('SUCCESS');
  });

  it('each wait before firing, carry a severity, a summary, a description and a runbook in docs/operations.md', () => {
    const operations = readFileSync(path.join(repoRoot, 'docs', 'operations.md'), 'utf8');
    const anchors = new Set([...operations.matchAll(/^#{2,4} (.+)$/gm)].map((match) => anchor(match[1])));
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const rule of rules) {
      expect({ alert: rule.alert, for: rule.for }).toEqual({
        alert: expect.any(String),
        for: expect.any(String),
      });
      expect([rule.alert, rule.labels?.severity]).toEqual([
        rule.alert,
        expect.stringMatching(/^(critical|warning)$/),
      ]);
      expect(rule.annotations).toEqual({
        summary: expect.any(String),
        description: expect.any(String),
        runbook_url: `docs/operations.md#${rule.alert!.toLowerCase()}`,
      });
      expect([rule.alert, anchors.has(rule.alert!.toLowerCase())]).toEqual([rule.alert, true]);
    }
  });

  it.each(SHIPPED_BY)('is, unchanged, the spec of the PrometheusRule %s renders', (_form, rendering) => {
    const rendered = rendering().find((m) => m.kind === 'PrometheusRule') as Manifest & {
      spec: unknown;
    };
    expect(rendered.metadata.name).toBe('smsgate');
    expect(rendered.spec).toEqual(loadRules());
  });
});

describe('Grafana dashboard (deploy/observability/smsgate-dashboard.json)', () => {
  const dashboard = loadDashboard();
  const panels = dashboard.panels.filter((panel) => panel.type !== 'row');

  it('has a schema version, a uid and a Prometheus data source variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe('smsgate-overview');
    expect(dashboard.templating).toEqual({
      list: [expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })],
    });
  });

  it('gives every panel a unique id, a place on the 24-column grid that no other panel takes, and a query', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const panel of dashboard.panels) {
      const { h, w, x, y } = panel.gridPos;
      expect([panel.title, [h, w, x, y].every(Number.isInteger), x >= 0 && x + w <= 24]).toEqual([
        panel.title,
        true,
        true,
      ]);
      for (let row = y; row < y + h; row += 1)
        for (let column = x; column < x + w; column += 1) {
          const cell = `${row}:${column}`;
          expect([panel.title, cells.get(cell)]).toEqual([panel.title, undefined]);
          cells.set(cell, panel.title);
        }
    }
    expect(panels.length).toBeGreaterThanOrEqual(20);
    for (const panel of panels)
      expect([panel.title, panel.targets?.every((target) => target.expr.trim() !== '')]).toEqual([
        panel.title,
        true,
      ]);
  });

  it('reads every query from the data source variable, never a hard-coded data source', () => {
    const variable = { type: 'prometheus', uid: '${datasource}' };
    const sources = (panel: DashboardPanel) => [
      panel.datasource,
      ...(panel.targets ?? []).map((t) => t.datasource),
    ];
    for (const panel of panels)
      expect(sources(panel).filter((source) => !source || source.uid !== variable.uid)).toEqual([]);
    const uids = [...readFileSync(dashboardFile, 'utf8').matchAll(/"uid": "([^"]*)"/g)].map(
      (match) => match[1],
    );
    expect(new Set(uids)).toEqual(new Set(['${datasource}', 'smsgate-overview']));
  });

  it('has queries PromQL can parse: each names at least one metric', () => {
    for (const panel of panels)
      for (const target of panel.targets ?? [])
        expect([panel.title, promqlReferences(target.expr).metrics.length > 0]).toEqual([panel.title, true]);
  });

  it.each(SHIPPED_BY)(
    'is shipped, unchanged, as a ConfigMap for the Grafana sidecar by %s',
    (_form, rendering) => {
      const configMap = rendering().find(
        (m) => m.kind === 'ConfigMap' && m.metadata.name === 'smsgate-dashboard',
      ) as Manifest & { data: Record<string, string> };
      expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
      expect(configMap.data).toEqual({ 'smsgate-dashboard.json': readFileSync(dashboardFile, 'utf8') });
    },
  );
});
