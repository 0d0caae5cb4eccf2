import fc from 'fast-check';
import { INVALID_URL, REDACTED } from '../../../functions/core/sanitize/index.ts';

const chars = (s: string): string[] => [...s];
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';

/** Secrets drawn from the alphabets real credentials use, 8–80 characters. */
export const secretArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: fc.constantFrom(...chars(LOWER + UPPER + DIGITS)), minLength: 8, maxLength: 80 }),
    fc.string({ unit: fc.constantFrom(...chars('0123456789abcdef')), minLength: 8, maxLength: 80 }),
    fc.string({ unit: fc.constantFrom(...chars(`${LOWER}${UPPER}${DIGITS}+/=`)), minLength: 8, maxLength: 80 }),
    fc.string({ unit: fc.constantFrom(...chars(`${LOWER}${UPPER}${DIGITS}-_`)), minLength: 8, maxLength: 80 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 80 }),
    fc.string({ unit: 'grapheme', minLength: 8, maxLength: 80 }),
  )
  .filter((s) => s.trim().length >= 8 && !REDACTED.includes(s) && !INVALID_URL.includes(s));

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
/** Prometheus label-value escaping (exposition format). */
export const promEscape = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Every form of the secret that must never leave. */
export function leakForms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), b64(secret), b64url(secret), promEscape(secret), JSON.stringify(secret).slice(1, -1)];
}

/** One way the secret may turn up in text: raw, URL-encoded, base64 or base64url. */
export const formArb = (secret: string): fc.Arbitrary<string> => fc.constantFrom(secret, encodeURIComponent(secret), b64(secret), b64url(secret));

const word = fc.constantFrom('codex', 'pooler', 'app', 'gateway', 'worker', 'scheduler', 'ingress', 'nginx', 'memory', 'sampler');
const suffix = (len: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...chars(LOWER + DIGITS)), minLength: len, maxLength: len });

/** Kubernetes pod names: deployment-replicaset-pod and statefulset-ordinal shapes. */
export const podNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.array(word, { minLength: 1, maxLength: 4 }), suffix(9), suffix(5)).map(([w, rs, p]) => `${w.join('-')}-${rs}-${p}`),
  fc.tuple(fc.array(word, { minLength: 1, maxLength: 4 }), fc.nat(20)).map(([w, n]) => `${w.join('-')}-${n}`),
);

const metricWord = fc.constantFrom('vm', 'memory', 'total', 'binary', 'processes', 'ets', 'container', 'working', 'set', 'gateway', 'admission', 'dequeued', 'time', 'repo', 'query', 'queue', 'http', 'request', 'stream', 'buffer', 'oversized', 'kube', 'pod', 'status', 'restarts', 'last', 'terminated', 'reason', 'cgroup', 'run', 'io');
/** snake_case metric names with conventional unit suffixes. */
export const metricNameArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('codex_pooler_', 'vm_', 'container_', 'kube_pod_', ''), fc.array(metricWord, { minLength: 1, maxLength: 6 }), fc.constantFrom('_bytes', '_total', '_seconds_bucket', '_count', '_ratio', ''))
  .map(([prefix, words, unit]) => `${prefix}${words.join('_')}${unit}`);

/** Numbers with units as operators write them. */
export const quantityArb: fc.Arbitrary<string> = fc
  .tuple(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constantFrom('', 'B', 'KiB', 'MiB', 'GiB', 'Mi', 'Gi', 'ms', 's', 'm', 'h', '%', ' bytes', ' MiB/min', 'e9'))
  .map(([n, unit]) => `${Number(n.toPrecision(4))}${unit}`);

/** PromQL like the runbook's, over generated metrics, labels and windows. */
export const promqlArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('rate', 'increase', 'max_over_time', 'deriv'),
    metricNameArb,
    fc.constantFrom('pod', 'job', 'namespace', 'container', 'route_class', 'source'),
    podNameArb,
    fc.constantFrom('1m', '5m', '15m', '1h'),
    fc.constantFrom('max by (pod)', 'sum by (le, pod)', 'topk(10,', 'histogram_quantile(0.95,'),
  )
  .map(([fn, metric, label, value, window, agg]) => `${agg} (${fn}(${metric}{namespace="codex-pooler", ${label}="${value}"}[${window}]))`);
