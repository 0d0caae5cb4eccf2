import type { MetricNames } from '../../config/metric-names.ts';

/** Every rule id pooler-watch's probe emits; a `rule` label with one of these names the signal directly. */
export const RULE_IDS = [
  'memory-pressure',
  'time-to-oom',
  'non-beam-growth',
  'binary-growth',
  'ets-growth',
  'process-heap-growth',
  'process-count-climb',
  'port-count-climb',
  'run-queue-climb',
  'atom-table',
  'stream-buffer',
  'admission-rejections',
  'admission-queue-p95',
  'http-5xx-ratio',
  'http-latency-p95',
  'db-queue-p95',
  'db-unknown-source',
  'sampler-snapshot',
  'restarts',
  'oom-killed',
  'scrape-failed',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

const RULE_SET: ReadonlySet<string> = new Set(RULE_IDS);

/** Whether `value` is one of {@link RULE_IDS}. */
export function isRuleId(value: string | undefined): value is RuleId {
  return value !== undefined && RULE_SET.has(value);
}

/** Prefix of the alertnames in our Prometheus rules (`CodexPoolerBinaryGrowth`). */
export const ALERTNAME_PREFIX = 'CodexPooler';

/** `CodexPoolerTimeToOOM` → `timetooom`: lowercase, letters and digits only, prefix dropped. */
function normalize(alertname: string): string {
  const key = alertname.toLowerCase().replace(/[^a-z0-9]/g, '');
  const prefix = ALERTNAME_PREFIX.toLowerCase();
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}

/**
 * `CodexPooler<RuleInPascalCase>` maps to the rule by name (`CodexPoolerBinaryGrowth` → `binary-growth`,
 * `CodexPoolerHttp5xxRatio` → `http-5xx-ratio`, case-insensitive). These are the other names we recognise:
 * short aliases, and kube-prometheus-stack's own alerts (they count only for Codex Pooler's namespace/job).
 */
const ALIASES: Readonly<Record<string, RuleId>> = {
  oom: 'time-to-oom',
  memoryhigh: 'memory-pressure',
  memorynearlimit: 'memory-pressure',
  http5xx: 'http-5xx-ratio',
  httperrors: 'http-5xx-ratio',
  httplatency: 'http-latency-p95',
  admissionqueue: 'admission-queue-p95',
  dbqueue: 'db-queue-p95',
  atomtablenearlimit: 'atom-table',
  streambufferoversized: 'stream-buffer',
  restarting: 'restarts',
  crashlooping: 'restarts',
  down: 'scrape-failed',
  metricsdown: 'scrape-failed',
  // kube-prometheus-stack (kubernetes-mixin) and common additions.
  kubepodcrashlooping: 'restarts',
  kubecontaineroomkilled: 'oom-killed',
  kubepodoomkilled: 'oom-killed',
  targetdown: 'scrape-failed',
};

const BY_NORMALIZED: ReadonlyMap<string, RuleId> = new Map([
  ...RULE_IDS.map((id) => [id.replace(/-/g, ''), id] as const),
  ...Object.entries(ALIASES),
]);

/** The rule an alertname stands for, if we know it. */
export function ruleForAlertname(alertname: string | undefined): RuleId | undefined {
  if (!alertname) return undefined;
  return BY_NORMALIZED.get(normalize(alertname));
}

/**
 * Metric → rule, most specific first: the first listed metric that an alert's expression mentions decides.
 * `app` marks the application's own metrics (BEAM and `codex_pooler_*`): seeing one is enough to say an alert is
 * about Codex Pooler; cAdvisor and kube-state-metrics series are everyone's, so they only pick the rule.
 */
export function metricRules(names: MetricNames): ReadonlyArray<{ metric: string; rule: RuleId; app: boolean }> {
  const app = (metric: string, rule: RuleId) => ({ metric, rule, app: true });
  const kube = (metric: string, rule: RuleId) => ({ metric, rule, app: false });
  return [
    app(names.streamBufferOversized, 'stream-buffer'),
    app(names.streamBufferTruncated, 'stream-buffer'),
    app(names.admissionQueueTime, 'admission-queue-p95'),
    app(names.admissionRejected, 'admission-rejections'),
    app(names.admissionTimedOut, 'admission-rejections'),
    app(names.admissionEnqueued, 'admission-rejections'),
    app(names.admissionAccepted, 'admission-rejections'),
    app(names.httpDuration, 'http-latency-p95'),
    app(names.httpRequests, 'http-5xx-ratio'),
    app(names.repoQueueTime, 'db-queue-p95'),
    app(names.repoQueryTime, 'db-queue-p95'),
    app(names.repoQueries, 'db-unknown-source'),
    app(names.atomCount, 'atom-table'),
    app(names.atomLimit, 'atom-table'),
    app(names.beamAtom, 'atom-table'),
    app(names.beamAtomUsed, 'atom-table'),
    app(names.processCount, 'process-count-climb'),
    app(names.processLimit, 'process-count-climb'),
    app(names.portCount, 'port-count-climb'),
    app(names.portLimit, 'port-count-climb'),
    app(names.runQueueTotal, 'run-queue-climb'),
    app(names.runQueueCpu, 'run-queue-climb'),
    app(names.runQueueIo, 'run-queue-climb'),
    app(names.beamBinary, 'binary-growth'),
    app(names.beamEts, 'ets-growth'),
    app(names.beamProcesses, 'process-heap-growth'),
    app(names.beamTotal, 'memory-pressure'),
    app(names.beamSystem, 'memory-pressure'),
    app(names.beamCode, 'memory-pressure'),
    kube(names.lastTerminatedReason, 'oom-killed'),
    kube(names.restarts, 'restarts'),
    kube(names.workingSet, 'memory-pressure'),
    kube(names.rss, 'memory-pressure'),
    kube(names.cache, 'memory-pressure'),
    kube(names.cgroupUsage, 'memory-pressure'),
    kube(names.specLimit, 'memory-pressure'),
    kube(names.kubeLimit, 'memory-pressure'),
    kube(names.containerStart, 'restarts'),
  ];
}
