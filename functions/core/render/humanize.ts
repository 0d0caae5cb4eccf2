import type { Evidence } from '../types.ts';

const MiB = 1024 * 1024;

function num(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : digits);
}

function bytes(v: number): string {
  if (Math.abs(v) >= 10 * 1024 * MiB) return `${(v / (1024 * MiB)).toFixed(1)} GiB`;
  return `${num(v / MiB, 1)} MiB`;
}

/** Unit by evidence key suffix — the heuristics name their evidence with the unit in the key. */
const UNITS: Array<[RegExp, (v: number) => string]> = [
  [/MiBPerMin$/, (v) => `${num(v, 1)} MiB/min`],
  [/Bytes$/, bytes],
  [/Ratio$/, (v) => `${num(v * 100, 1)}%`],
  [/PerSec$/, (v) => `${num(v, 3)}/s`],
  [/PerMin(ute)?$/, (v) => `${num(v, 1)}/min`],
  [/Minutes(ToOom|Before)?$|^minutesToOom$|MinutesToOom$/, (v) => `${num(v, 1)} min`],
  [/Seconds$/, (v) => `${num(v, 3)} s`],
];

/** `workingSetBytes` → `working set`; `minutesToOom` → `minutes to OOM`. */
export function evidenceName(key: string): string {
  const stripped = key.replace(/(MiBPerMin|Bytes|Ratio|PerSec|PerMinute|PerMin|Seconds)$/, (m) =>
    m === 'MiBPerMin' ? '' : m === 'Ratio' ? ' ratio' : m.startsWith('Per') ? ' rate' : '',
  );
  return stripped
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\boom\b/g, 'OOM')
    .replace(/\bbeam\b/g, 'BEAM')
    .replace(/\brss\b/g, 'RSS')
    .replace(/\bp95\b/g, 'p95')
    .trim();
}

export function evidenceValue(key: string, value: number | string): string {
  if (typeof value === 'string') return value;
  const unit = UNITS.find(([re]) => re.test(key));
  return unit ? unit[1](value) : num(value);
}

/** Evidence as the name/value pairs every channel shows. */
export function humanizeEvidence(evidence: Evidence): Array<{ name: string; value: string }> {
  return Object.entries(evidence).map(([k, v]) => ({ name: evidenceName(k), value: evidenceValue(k, v) }));
}
