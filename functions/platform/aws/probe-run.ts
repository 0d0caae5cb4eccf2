import type { ProbeConfig } from '../../config/probe-config.ts';
import type { Transition } from '../../core/alerts/index.ts';
import { emptyGrouperState } from '../../core/routing/index.ts';
import type { Sanitizer } from '../../core/sanitize/index.ts';
import type { Finding } from '../../core/types.ts';
import { buildWatcher, configuredNames } from '../../runtime/build-watcher.ts';
import { planProbeJobs } from '../../runtime/plan-jobs.ts';
import { roundInput, runChecks, scrapeTargets } from '../../runtime/probe-round.ts';
import type { CheckResults } from '../../runtime/check-runner.ts';
import type { DeliveryJob } from '../delivery/job.ts';
import type { Logger } from '../logger.ts';
import type { ScrapeFailed, ScrapeOk } from '../scrape.ts';
import { failed } from '../scrape-http.ts';
import { HEARTBEAT_METRIC, recordCheckMetrics, type MetricsPublisher } from './cloudwatch-metrics.ts';
import type { PendingJob, ProbeState } from './deps.ts';
import type { ProbeDeps, ProbeTarget } from './probe-deps.ts';
import { StateConflictError } from './errors.ts';
import type { SendJobsResult } from './sqs-jobs.ts';

/** Write-ahead jobs kept in the state at most; older ones are dropped with an error line (never silently). */
export const MAX_PENDING_JOBS = 500;

/** One probe invocation's context. */
export interface ProbeInvocation {
  log: Logger;
  /** Safe deadline (ms): the lease on the jobs this invocation commits, and the end of its work. */
  deadlineMs: number;
  signal?: AbortSignal;
}

/** What the probe function returns (and logs). */
export interface ProbeSummary {
  outcome: 'committed' | 'superseded';
  targets: number;
  scrapesOk: number;
  findings: number;
  transitions: number;
  firing: number;
  /** State version committed by this round. */
  version?: number;
  jobs: { sent: number; failed: number; truncated: number; reclaimed: number };
  metrics: { sent: number; failed: number };
}

/** This invocation's scrape is not newer than the committed round: another invocation already did it. */
class Superseded extends Error {}

interface Round {
  state: ProbeState;
  /** Jobs this invocation must send once the state is committed: its own, plus orphaned ones it reclaimed. */
  send: DeliveryJob[];
  reclaimed: number;
  findings: Finding[];
  transitions: Transition[];
  firing: number;
}

/**
 * A round on top of `current`, pure apart from logging: evaluate, route, acknowledge, and write the due jobs ahead
 * into `pendingJobs` leased to this invocation. Jobs whose lease ran out (their invocation died, or SQS refused
 * them) are reclaimed and sent again by this one.
 */
function applyRound(
  current: ProbeState | undefined,
  r: { config: ProbeConfig; ts: number; now: number; scrapes: Array<ScrapeOk | ScrapeFailed>; checks: CheckResults; leaseUntil: number; sanitize: Sanitizer; log: Logger },
): Round {
  if (current?.lastRoundAt !== undefined && current.lastRoundAt >= r.ts) throw new Superseded();
  const watcher = buildWatcher(r.config, current?.watch);
  watcher.retireAllBut(configuredNames(r.config));
  const result = watcher.observe({ ...roundInput(r.ts, r.scrapes), checks: { findings: r.checks.findings, evaluated: r.checks.evaluated } });
  const planned = planProbeJobs({
    config: r.config,
    grouper: current?.grouper ?? emptyGrouperState(),
    transitions: result.transitions,
    lookup: (fp) => watcher.alert(fp),
    sanitize: r.sanitize,
    now: r.ts,
    logger: r.log,
  });
  // Same rule as the local runtime: acknowledged once the jobs are durable — here, in the same conditional write.
  watcher.acknowledge(result.transitions, r.ts);
  const previous = current?.pendingJobs ?? [];
  const reclaimed = previous.filter((p) => p.leaseUntil <= r.now);
  const ids = new Set<string>();
  const send = [...reclaimed.map((p) => p.job), ...planned.jobs].filter((j) => !ids.has(j.id) && ids.add(j.id) !== undefined);
  let pending: PendingJob[] = [...previous.filter((p) => p.leaseUntil > r.now && !ids.has(p.job.id)), ...send.map((job) => ({ job, leaseUntil: r.leaseUntil }))];
  if (pending.length > MAX_PENDING_JOBS) {
    const dropped = pending.slice(0, pending.length - MAX_PENDING_JOBS);
    r.log.error('pending jobs over the cap: oldest dropped', { dropped: dropped.length, ids: dropped.slice(0, 20).map((p) => p.job.id) });
    pending = pending.slice(-MAX_PENDING_JOBS);
  }
  return {
    state: { watch: watcher.dump(), grouper: planned.grouper, lastRoundAt: r.ts, pendingJobs: pending },
    send,
    reclaimed: reclaimed.length,
    findings: result.findings,
    transitions: result.transitions,
    firing: watcher.firing().length,
  };
}

const TOKEN_UNAVAILABLE_HINT =
  "the target's token secret could not be read: check that it exists under the stage's secrets prefix and that the probe's role may read it (and decrypt it, for a customer-managed KMS key); the error class is in the summary";

/**
 * A target whose token could not be read is not scraped (without its token the request could only be refused): it is
 * a `scrape-failed` finding like a refused scrape (`unauthorized`), so the round still commits, the other targets'
 * alerts still fire, and this one alerts through the normal routing. The detail names the error's class only.
 */
function tokenUnavailable(t: Extract<ProbeTarget, { ok: false }>): ScrapeFailed {
  return failed(t.target, {}, { reason: 'unauthorized', detail: `token unavailable (${t.error})`, hint: TOKEN_UNAVAILABLE_HINT }, { durationMs: 0, bytes: 0 });
}

/** Scrapes the targets whose tokens are at hand; the others are {@link tokenUnavailable}. Config order is kept. */
async function scrapeAll(targets: ProbeTarget[], ts: number, log: Logger, signal?: AbortSignal): Promise<Array<ScrapeOk | ScrapeFailed>> {
  const scraped = await scrapeTargets(targets.flatMap((t) => (t.ok ? [t.resolved] : [])), ts, signal);
  let next = 0;
  return targets.map((t) => {
    if (t.ok) return scraped[next++]!;
    log.error('target token unavailable', { target: t.target.name, error: t.error });
    return tokenUnavailable(t);
  });
}

function recordScrapes(metrics: MetricsPublisher, scrapes: Array<ScrapeOk | ScrapeFailed>, stage: string): void {
  for (const s of scrapes) {
    const target = s.ok ? s.snapshot.target : s.finding.target;
    metrics.record('ProbeSuccess', s.ok ? 1 : 0, 'Count', { Stage: stage, Target: target });
    metrics.record('ProbeLatencyMs', s.durationMs, 'Milliseconds', { Stage: stage, Target: target });
    // The exposition's size, for the built-in checks' growth trend on a dashboard (cardinality explosions).
    if (s.ok) metrics.record('ScrapeBytes', s.bytes, 'Bytes', { Stage: stage, Target: target });
  }
}

function recordFindings(metrics: MetricsPublisher, findings: Finding[], firing: number, stage: string): void {
  for (const f of findings) {
    const ratio = f.evidence.workingSetRatio;
    const minutes = f.evidence.minutesToOom;
    if (f.rule === 'memory-pressure' && typeof ratio === 'number') metrics.record('WorkingSetRatio', ratio, 'None', { Stage: stage, Pod: f.pod });
    if (f.rule === 'time-to-oom' && typeof minutes === 'number') metrics.record('MinutesToOom', minutes, 'None', { Stage: stage, Pod: f.pod });
  }
  metrics.record('AlertsFiring', firing, 'Count', { Stage: stage });
}

/**
 * One scheduled probe on AWS. Order, and why it is safe with overlapping invocations:
 * 1. scrape every target (outside any lock);
 * 2. `update()` (optimistic loop on `state#probe`): evaluate + route on the *committed* state, write the due jobs
 *    ahead into `pendingJobs` leased to this invocation, conditional on the version read. A loser re-applies its
 *    scrape on the winner's state (so it only sends what is new relative to it), or gives up if the winner's round
 *    is not older than its scrape — it never sends what it did not commit;
 * 3. send the committed jobs to SQS;
 * 4. a second `update()` drops the sent ones from `pendingJobs` and expires the lease of refused ones (the next
 *    round resends them). A crash between 2 and 4 leaves them leased: resent after the lease by a later round.
 * Re-sent jobs keep their ids, so the dispatcher's ledger delivers each at most once.
 */
export async function runProbe(deps: ProbeDeps, inv: ProbeInvocation): Promise<ProbeSummary> {
  const { config, now, env } = deps;
  const targets = await deps.targets();
  const ts = now();
  const scrapes = await scrapeAll(targets, ts, inv.log, inv.signal);
  for (const s of scrapes) {
    const target = s.ok ? s.snapshot.target : s.finding.target;
    inv.log.info('scrape', { target, ok: s.ok, durationMs: s.durationMs, ...(s.ok ? { bytes: s.bytes } : { reason: s.reason }) });
  }
  const checks = await runChecks(deps.checkRunners(), { ts, scrapes, ...(inv.signal ? { signal: inv.signal } : {}) });
  const metrics = deps.metrics();
  // The dead man's switch counts this: one per run, committed or superseded, with or without targets.
  metrics.record(HEARTBEAT_METRIC, 1, 'Count', { Stage: env.STAGE });
  recordScrapes(metrics, scrapes, env.STAGE);
  recordCheckMetrics(metrics, checks.metrics, env.STAGE);
  const summary: ProbeSummary = {
    outcome: 'superseded',
    targets: targets.length,
    scrapesOk: scrapes.filter((s) => s.ok).length,
    findings: 0,
    transitions: 0,
    firing: 0,
    jobs: { sent: 0, failed: 0, truncated: 0, reclaimed: 0 },
    metrics: { sent: 0, failed: 0 },
  };
  const store = deps.probeStore();
  let round: Round | undefined;
  try {
    const sanitize = deps.sanitizer();
    const stored = await store.update((current) => (round = applyRound(current, { config, ts, now: now(), scrapes, checks, leaseUntil: inv.deadlineMs, sanitize, log: inv.log })).state);
    summary.version = stored.version;
  } catch (err) {
    if (!(err instanceof Superseded) && !(err instanceof StateConflictError)) throw err;
    inv.log.info('probe round superseded by another invocation; nothing sent', { reason: err instanceof Superseded ? 'newer round committed' : 'write conflicts' });
    round = undefined;
  }
  if (round) {
    summary.outcome = 'committed';
    summary.findings = round.findings.length;
    summary.transitions = round.transitions.length;
    summary.firing = round.firing;
    summary.jobs.reclaimed = round.reclaimed;
    if (round.send.length > 0) {
      const sent = await sendCommitted(deps, store, round.send, inv.log);
      summary.jobs.sent = sent.sent.length;
      summary.jobs.failed = sent.failed.length;
      summary.jobs.truncated = sent.truncated.length;
      if (sent.failed.length > 0) metrics.record('NotificationsFailed', sent.failed.length, 'Count', { Stage: env.STAGE });
    }
    recordFindings(metrics, round.findings, round.firing, env.STAGE);
  }
  const flushed = await metrics.flush();
  summary.metrics = { sent: flushed.sent, failed: flushed.failed };
  if (flushed.failed > 0) inv.log.warn('metrics not published', { failed: flushed.failed, errors: flushed.errors });
  inv.log.info('probe round', { ...summary });
  return summary;
}

async function sendCommitted(deps: ProbeDeps, store: ReturnType<ProbeDeps['probeStore']>, jobs: DeliveryJob[], log: Logger): Promise<SendJobsResult> {
  let result: SendJobsResult;
  try {
    result = await deps.queue.send(jobs);
  } catch (err) {
    result = { sent: [], failed: jobs.map((j) => ({ id: j.id, code: err instanceof Error ? err.name : 'Error' })), truncated: [] };
  }
  if (result.failed.length > 0) log.error('jobs not sent to SQS; kept pending for the next round', { failed: result.failed.length, ids: result.failed.slice(0, 20).map((f) => f.id) });
  const sent = new Set(result.sent);
  const failed = new Set(result.failed.map((f) => f.id));
  try {
    await store.update((current) => {
      if (!current) throw new Error('probe state vanished');
      const pendingJobs = (current.pendingJobs ?? []).filter((p) => !sent.has(p.job.id)).map((p) => (failed.has(p.job.id) ? { ...p, leaseUntil: 0 } : p));
      return { ...current, pendingJobs };
    });
  } catch (err) {
    // Harmless: they stay leased and are resent after the lease; the ledger delivers them once.
    log.warn('sent jobs not cleared from the state', { error: err instanceof Error ? err.name : 'error', jobs: sent.size });
  }
  return result;
}
