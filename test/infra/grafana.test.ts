import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_QUERIES } from '../fixtures/runbook-promql.ts';

const text = readFileSync(new URL('../../infra/grafana/codex-pooler-runtime-triage.json', import.meta.url), 'utf8');

interface Target {
  refId: string;
  expr?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  datasource?: { type?: string; uid?: string };
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
}
interface Dashboard {
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}


/** The runbook's eight panel groups, in order: words each row title must mention. */
const ROWS: RegExp[] = [
  /working set.*limit.*RSS\/cache.*BEAM/i,
  /BEAM memory/i,
  /processes.*ports.*run queues/i,
  /restarts.*OOM.*last terminated reason/i,
  /request rate.*status class.*p95 latency/i,
  /admission.*accepted.*queued.*rejected.*timed out.*queue-time p95/i,
  /stream buffer.*oversized.*truncated/i,
  /Ecto.*query rate.*queries per request.*hot sources.*unknown.*DB queue p95/i,
];

/** Whitespace-normalised PromQL: runs of whitespace become one space, none next to brackets. */
function normalise(q: string): string {
  return q
    .replace(/\s+/g, ' ')
    .replace(/([({[]) /g, '$1')
    .replace(/ ([)}\]])/g, '$1')
    .trim();
}

describe('Grafana runtime triage dashboard', () => {
  const dashboard = JSON.parse(text) as Dashboard;
  const rows = dashboard.panels.filter((p) => p.type === 'row');
  const panels = dashboard.panels.filter((p) => p.type !== 'row');

  it('is a schemaVersion ~39 dashboard with datasource, namespace and pod variables', () => {
    expect(dashboard.uid).toBe('codex-pooler-runtime-triage');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.namespace).toBeDefined();
    expect(vars.pod).toBeDefined();
  });

  it("has the runbook's eight panel groups as rows, in order", () => {
    expect(rows).toHaveLength(8);
    rows.forEach((row, i) => {
      expect(row.title.startsWith(`${i + 1}. `), row.title).toBe(true);
      expect(row.title).toMatch(ROWS[i]!);
    });
  });

  it('puts panels under every row', () => {
    const rowIndexes = dashboard.panels.flatMap((p, i) => (p.type === 'row' ? [i] : []));
    rowIndexes.forEach((start, i) => {
      const end = rowIndexes[i + 1] ?? dashboard.panels.length;
      expect(end - start - 1, rows[i]!.title).toBeGreaterThan(0);
    });
  });

  it('gives every panel at least one target with a non-empty expr, on the datasource variable', () => {
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.expr?.trim(), `${panel.title} ${target.refId}`).toBeTruthy();
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });

  it('has unique panel ids', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(RUNBOOK_QUERIES.map((q) => [q.split('\n')[0]!, q] as const))("carries the runbook's query verbatim: %s", (_first, query) => {
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => normalise(t.expr ?? '')));
    expect(exprs.some((e) => e.includes(normalise(query)))).toBe(true);
  });
});
