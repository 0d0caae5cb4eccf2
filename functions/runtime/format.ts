import type { Transition } from '../core/alerts/index.ts';
import type { Finding } from '../core/types.ts';

const LABEL = { trigger: 'FIRING  ', remind: 'REMINDER', resolve: 'RESOLVED' } as const;

/** `HH:MM:SS` of an epoch-ms time, in UTC so timelines read the same on every machine. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function formatEvidence(evidence: Finding['evidence']): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? round(v) : v}`)
    .join(' ');
}

function round(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 0 : 2);
}

/** A human timeline entry for one transition: the line, then evidence, next step and PromQL for new alerts. */
export function formatTransition(t: Transition, opts: { verbose?: boolean } = {}): string {
  const s = t.state;
  // A resolve carries the last active finding: say so, or "OOM in ~3 min" reads like news.
  const text = t.action === 'resolve' ? `last seen: ${t.event.summary}` : t.event.summary;
  const head = `${clockTime(Date.parse(t.event.ts))}  ${LABEL[t.action]}  ${s.severity.padEnd(8)} ${s.rule.padEnd(20)} ${s.pod}  ${text}`;
  if (t.action !== 'trigger' || !opts.verbose) return head;
  const lines = [head];
  const f = s.finding;
  if (f) {
    const ev = formatEvidence(f.evidence);
    if (ev) lines.push(`          evidence: ${ev}`);
    if (f.hint) lines.push(`          next step: ${f.hint}`);
    if (f.promql) lines.push(`          promql: ${f.promql.replace(/\s+/g, ' ').trim()}`);
  }
  return lines.join('\n');
}

/** Human report of one finding (used by `check`). */
export function formatFinding(f: Finding): string {
  const lines = [`[${f.severity}] ${f.rule} ${f.pod}: ${f.summary}`];
  const ev = formatEvidence(f.evidence);
  if (ev) lines.push(`    evidence: ${ev}`);
  if (f.hint) lines.push(`    next step: ${f.hint}`);
  if (f.promql) lines.push(`    promql: ${f.promql.replace(/\s+/g, ' ').trim()}`);
  return lines.join('\n');
}
