// deploy/monitoring against the real thing: promtool accepts the Prometheus rules and their unit
// tests pass (and fail when an alert is weakened); every QKMS metric the rules and the Grafana
// dashboard read is in the exposition of a running gateway, so renaming a metric breaks this
// test; every runbook link lands on a heading of docs/operations.md.

import { createPrimaryMetrics } from '../../src/cluster/primary-metrics';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestGateway, type TestGateway } from '../support/test-token';

const ROOT = join(__dirname, '..', '..');
const PROMETHEUS_DIR = join(ROOT, 'deploy', 'monitoring', 'prometheus');
const ALERTS = join(PROMETHEUS_DIR, 'qkms-alerts.yaml');
const RECORDING = join(PROMETHEUS_DIR, 'qkms-recording-rules.yaml');
const RULE_TESTS = join(PROMETHEUS_DIR, 'tests', 'qkms-alerts.test.yaml');
const DASHBOARD = join(ROOT, 'deploy', 'monitoring', 'grafana', 'qkms-dashboard.json');
const RUNBOOK = join(ROOT, 'docs', 'operations.md');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface Target {
  expr: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
interface Dashboard {
  schemaVersion: number;
  __inputs: { name: string; type: string; pluginId: string }[];
  templating: { list: { name: string; query: { query: string } | string }[] };
  panels: Panel[];
}

const rulesOf = (file: string): Rule[] =>
  (parse(readFileSync(file, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
const alerts = rulesOf(ALERTS).filter((r) => r.alert !== undefined);
const records = rulesOf(RECORDING).filter((r) => r.record !== undefined);
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const dashboardPanels = dashboard.panels.filter((p) => p.type !== 'row');
const dashboardExprs = dashboardPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const templateQueries = dashboard.templating.list.map((v) =>
  typeof v.query === 'string' ? v.query : v.query.query,
);

/** QKMS metric names in PromQL text (the `qkms_` prefix covers prom-client's process metrics). */
const metricNames = (exprs: string[]): string[] => [
  ...new Set(exprs.flatMap((e) => e.match(/\bqkms_[a-z0-9_]+/g) ?? [])),
];

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (run.error) throw run.error; // promtool missing: scripts/setup.sh installs it
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('promtool', () => {
  it('accepts the rule files', () => {
    const result = promtool(['check', 'rules', RECORDING, ALERTS], PROMETHEUS_DIR);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    expect(result.output).not.toMatch(/FAILED/);
  });

  it('passes the rules unit tests', () => {
    const result = promtool(['test', 'rules', RULE_TESTS], join(PROMETHEUS_DIR, 'tests'));
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  // The unit tests are only worth something if a weakened alert makes them fail.
  it.each([
    [
      'self-verify',
      '(qkms_self_verify_failures_total) > 0',
      '(qkms_self_verify_failures_total) > 1',
    ],
    ['token logged out', '(qkms_token_logged_in) == 0', '(qkms_token_logged_in) < 0'],
    ['error ratio', 'ratio_rate5m > 0.05', 'ratio_rate5m > 0.5'],
  ])('fails its unit tests when the %s alert is weakened', (_name, from, to) => {
    const dir = mkdtempSync(join(tmpdir(), 'qkms-rules-'));
    try {
      cpSync(PROMETHEUS_DIR, dir, { recursive: true });
      const original = readFileSync(ALERTS, 'utf8');
      expect(original.split(from)).toHaveLength(2);
      writeFileSync(join(dir, 'qkms-alerts.yaml'), original.replace(from, to));
      expect(promtool(['check', 'rules', join(dir, 'qkms-alerts.yaml')], dir).status).toBe(0);
      const result = promtool(['test', 'rules', 'qkms-alerts.test.yaml'], join(dir, 'tests'));
      expect(result.status).toBe(1);
      expect(result.output).toMatch(/FAILED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses every dashboard query as PromQL', () => {
    // Grafana's variables replaced by what they expand to, each query as a recording rule.
    const dir = mkdtempSync(join(tmpdir(), 'qkms-dashboard-'));
    try {
      const rules = [...dashboardExprs, ...templateQueries.map(labelValuesSelector)].map(
        (expr, i) => ({
          record: `dashboard:query_${i}`,
          expr: expr
            .replaceAll('$__rate_interval', '5m')
            .replaceAll('$job', '.+')
            .replaceAll('$instance', '.+'),
        }),
      );
      const file = join(dir, 'dashboard-queries.yaml');
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const result = promtool(['check', 'rules', file], dir);
      expect(result).toEqual({
        status: 0,
        output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The series selector inside Grafana's label_values(selector, label). */
function labelValuesSelector(query: string): string {
  const selector = /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1];
  if (selector === undefined) throw new Error(`not a label_values query: ${query}`);
  return selector;
}

describe('alert rules', () => {
  const anchors = new Set(
    readFileSync(RUNBOOK, 'utf8')
      .split('\n')
      .filter((line) => /^#{2,4} /.test(line))
      .map((line) =>
        line
          .replace(/^#+ /, '')
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, '')
          .replace(/ /g, '-'),
      ),
  );

  it.each(alerts.map((a) => [a.alert!, a]))(
    '%s has a duration, a severity, a summary, a description and a runbook anchor that exists',
    (_name, alert) => {
      expect(alert.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning']).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary).toEqual(expect.any(String));
      expect(alert.annotations?.description).toEqual(expect.any(String));
      const url = alert.annotations?.runbook_url ?? '';
      expect(url).toMatch(/^docs\/operations\.md#[a-z0-9-]+$/);
      expect(anchors).toContain(url.split('#')[1]);
    },
  );

  it('covers the failures the runbook asks to alert on', () => {
    const exprs = alerts.map((a) => a.expr).join('\n');
    for (const metric of [
      'qkms_token_logged_in',
      'qkms_self_verify_failures_total',
      'qkms_session_pool_sessions',
      'qkms_hsm_reconnects_total',
    ])
      expect(exprs).toContain(metric);
    expect(exprs).toMatch(/\bup\{job="qkms"\} == 0/);
  });

  it('reads only recording rules that the recording file defines', () => {
    const defined = new Set(records.map((r) => r.record));
    const used = alerts.flatMap((a) => a.expr.match(/\bqkms:[a-z0-9_:]+/g) ?? []);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(defined).toContain(name);
  });
});

describe('Grafana dashboard', () => {
  it('is importable: schema 36 or later, a DS_PROMETHEUS input, job and instance variables', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({
        name: 'DS_PROMETHEUS',
        type: 'datasource',
        pluginId: 'prometheus',
      }),
    ]);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['job', 'instance']);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('queries the input data source and the selected job and instance in every panel', () => {
    expect(dashboardPanels.length).toBeGreaterThan(10);
    for (const panel of dashboardPanels) {
      expect({ title: panel.title, uid: panel.datasource?.uid }).toEqual({
        title: panel.title,
        uid: '${DS_PROMETHEUS}',
      });
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid).toBe('${DS_PROMETHEUS}');
        expect(target.expr).toContain('job=~"$job"');
        expect(target.expr).toContain('instance=~"$instance"');
      }
    }
  });
});

describe('metric names in the rules and the dashboard', () => {
  let t: TestGateway;
  /** Metric family name → type, from the # TYPE lines of a real scrape. */
  let families: Map<string, string>;
  beforeAll(async () => {
    t = await startTestGateway();
    const res = await fetch(`${t.gateway.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    families = new Map();
    // With workers, the primary adds its own series to the workers' sum.
    const primary = createPrimaryMetrics(() => 2).registry;
    for (const line of `${await res.text()}\n${await primary.metrics()}`.split('\n')) {
      const [, name, type] = /^# TYPE (\S+) (\S+)$/.exec(line) ?? [];
      if (name !== undefined && type !== undefined) families.set(name, type);
    }
  }, 60_000);
  afterAll(() => t?.close());

  /** Whether a name read in PromQL is a series the gateway exposes. */
  function exposed(name: string): boolean {
    if (families.has(name)) return true;
    const suffix = /_(bucket|sum|count)$/.exec(name);
    if (!suffix) return false;
    const type = families.get(name.slice(0, -suffix[0].length));
    return type === 'histogram' || (type === 'summary' && suffix[1] !== 'bucket');
  }

  it('finds what it should in the exposition (and nothing made up)', () => {
    expect(families.get('qkms_request_duration_seconds')).toBe('histogram');
    expect(exposed('qkms_request_duration_seconds_bucket')).toBe(true);
    expect(exposed('qkms_requests_total_bucket')).toBe(false);
    expect(exposed('qkms_no_such_metric')).toBe(false);
  });

  it('exposes every metric the alerting and recording rules read', () => {
    const names = metricNames([...alerts, ...records].map((r) => r.expr));
    expect(names).toEqual(
      expect.arrayContaining(['qkms_requests_total', 'qkms_self_verify_failures_total']),
    );
    expect(names.filter((n) => !exposed(n))).toEqual([]);
  });

  it('exposes every metric the dashboard reads', () => {
    const names = metricNames([...dashboardExprs, ...templateQueries]);
    expect(names).toEqual(
      expect.arrayContaining([
        'qkms_request_duration_seconds_bucket',
        'qkms_pkcs11_call_duration_seconds_bucket',
        'qkms_process_resident_memory_bytes',
        'qkms_build_info',
        'qkms_hsm_reconnects_total',
      ]),
    );
    expect(names.filter((n) => !exposed(n))).toEqual([]);
  });
});
