/**
 * A tiny, strict reader of Prometheus text 0.0.4 for the simulator's tests only (the real parser lives in
 * functions/core/exposition and is not a dependency here). Throws on any line it does not understand.
 */
export interface ReadSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface ReadExposition {
  samples: ReadSample[];
  /** `# TYPE` by family name. */
  types: Map<string, string>;
  /** `# HELP` by family name. */
  helps: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)(?: (-?\d+))?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

export function readExposition(text: string): ReadExposition {
  const out: ReadExposition = { samples: [], types: new Map(), helps: new Map() };
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'TYPE' ? out.types : out.helps).set(meta[2]!, meta[3]!);
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1}: cannot read ${JSON.stringify(line)}`);
    const sample: ReadSample = { name: m[1]!, labels: m[2] ? readLabels(m[2].slice(1, -1), i + 1) : {}, value: readValue(m[3]!) };
    if (m[4] !== undefined) sample.timestamp = Number(m[4]);
    out.samples.push(sample);
  });
  return out;
}

function readLabels(body: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < body.length) {
    const m = LABEL.exec(body);
    if (!m) throw new Error(`line ${line}: bad labels ${body}`);
    if (Object.hasOwn(labels, m[1]!)) throw new Error(`line ${line}: duplicate label ${m[1]}`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function readValue(raw: string): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  const v = Number(raw);
  if (Number.isNaN(v)) throw new Error(`bad value ${raw}`);
  return v;
}

/** Samples named `name` whose labels include every pair in `labels`. */
export function pick(exp: ReadExposition, name: string, labels: Record<string, string> = {}): ReadSample[] {
  return exp.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample matching; throws when there is not exactly one. */
export function valueOf(exp: ReadExposition, name: string, labels: Record<string, string> = {}): number {
  const found = pick(exp, name, labels);
  if (found.length !== 1) throw new Error(`expected one ${name} ${JSON.stringify(labels)}, found ${found.length}`);
  return found[0]!.value;
}

/** Sum of every sample named `name` matching `labels`. */
export function sumOf(exp: ReadExposition, name: string, labels: Record<string, string> = {}): number {
  return pick(exp, name, labels).reduce((acc, s) => acc + s.value, 0);
}
