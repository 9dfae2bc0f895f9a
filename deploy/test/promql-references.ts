import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './compose-file';

export const observabilityDir = path.join(repoRoot, 'deploy', 'observability');

/** The metric names an expression reads and the label names it matches on or groups by. */
export interface PromqlReferences {
  metrics: string[];
  labels: string[];
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'atan2',
  'group_left',
  'group_right',
]);
const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

/**
 * Reads a PromQL expression the way the parser would for names: string literals, matcher blocks,
 * grouping clauses and range selectors are taken out first, so what remains outside a function call's
 * name is a metric name. Grafana's `$__rate_interval` lives inside a range and goes with it.
 */
export function promqlReferences(expr: string): PromqlReferences {
  const labels = new Set<string>();
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  rest = rest.replace(/\{([^}]*)\}/g, (_, matchers: string) => {
    for (const [, name] of matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.add(name);
    return ' ';
  });
  rest = rest.replace(GROUPING, (_, list: string) => {
    for (const name of list.split(',').map((label) => label.trim())) if (name) labels.add(name);
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  const metrics = new Set<string>();
  for (const match of rest.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g))
    if (!KEYWORDS.has(match[1].toLowerCase())) metrics.add(match[1]);
  return { metrics: [...metrics].sort(), labels: [...labels].sort() };
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export const rulesFile = path.join(observabilityDir, 'smsgate-rules.yaml');
export const dashboardFile = path.join(observabilityDir, 'smsgate-dashboard.json');

export function loadRules(): { groups: { name: string; rules: Rule[] }[] } {
  return parse(readFileSync(rulesFile, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { type: string; uid: string } }[];
}

export function loadDashboard(): Record<string, unknown> & { panels: DashboardPanel[] } {
  return JSON.parse(readFileSync(dashboardFile, 'utf8')) as Record<string, unknown> & {
    panels: DashboardPanel[];
  };
}

/** Every PromQL expression shipped: the alert rules' and the dashboard panels', named for messages. */
export function shippedQueries(): { where: string; expr: string }[] {
  const rules = loadRules().groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `rule ${rule.alert ?? rule.record}`, expr: rule.expr })),
  );
  const panels = loadDashboard().panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr })),
  );
  return [...rules, ...panels];
}
