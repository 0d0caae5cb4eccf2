import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultMetricNames, RunbookSelectors } from '../../functions/config/metric-names.ts';
import { AlertPolicy, Target } from '../../functions/config/schema.ts';
import { resolveThresholds } from '../../functions/core/heuristics/thresholds.ts';
import { keptSampleNames } from '../../functions/core/history/keep.ts';
import { DEFAULT_VOLATILE_LABELS, podOf, storedLabels } from '../../functions/core/history/labels.ts';
import type { Finding, Snapshot } from '../../functions/core/types.ts';
import { podsOf, Watcher } from '../../functions/core/watcher.ts';
import { scrapeTarget } from '../../functions/platform/scrape.ts';
import type { ScrapeOk } from '../../functions/platform/scrape.ts';
import { ManualClock, startSimulator, type Simulator } from '../../functions/simulator/index.ts';
import { freePort, simulatorFederateJob, startDaemon, waitFor, type Daemon } from '../helpers/processes.ts';

/**
 * The PromQL source against Debian's real Prometheus: Prometheus scrapes the simulator's /federate view (cAdvisor,
 * kube-state-metrics and app series, honor_labels), and every round the same moment is read twice: straight from the
 * simulator's /federate, and through instant queries to Prometheus. The two snapshots must hold the same pods, series
 * and values, and two watchers fed one each must produce the same findings, round after round, through a binary leak
 * to the OOM kill (time-to-oom, memory pressure, binary growth, oom-killed).
 */
const haveProm = (() => {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const SKIP_WHY = 'skipped: Debian\'s prometheus binary is not on the PATH (apt-get install prometheus; .ci/run does)';
if (!haveProm) console.warn(`promql-source e2e ${SKIP_WHY}`);

const SIM_STEP_MS = 3 * 60_000;
const KEEP = keptSampleNames(defaultMetricNames);
const VOLATILE = new Set(DEFAULT_VOLATILE_LABELS);

let dir: string;
let sim: Simulator;
let clock: ManualClock;
let prometheus: Daemon;
let promUrl: string;

beforeAll(async () => {
  if (!haveProm) return;
  dir = await mkdtemp(join(tmpdir(), 'pooler-watch-promql-'));
  clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
  sim = await startSimulator({ clock, pods: 2, seed: 9 });
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}/`;
  await writeFile(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '500ms', scrape_timeout: '500ms' },
      scrape_configs: [
        simulatorFederateJob(new URL(sim.url).host),
      ],
    }),
  );
  prometheus = startDaemon('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
  await waitFor('prometheus', async () => (await fetch(`${promUrl}-/ready`)).ok || undefined, 20_000, prometheus.output);
}, 30_000);

afterAll(async () => {
  await prometheus?.stop();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What History would store from a snapshot: kept names only, pod, labels minus volatile ones, value. */
function stored(snapshot: Snapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of snapshot.families) {
    for (const s of f.samples) {
      if (!KEEP.has(s.name)) continue;
      out[`${podOf(s.labels)} ${s.name}${JSON.stringify(storedLabels(s.labels, VOLATILE))}`] = s.value;
    }
  }
  return out;
}

const essentials = (fs: Finding[]) =>
  fs.map((f) => ({ rule: f.rule, severity: f.severity, pod: f.pod, target: f.target, summary: f.summary, evidence: f.evidence, promql: f.promql })).sort((a, b) => `${a.pod}${a.rule}`.localeCompare(`${b.pod}${b.rule}`));

function ok(r: Awaited<ReturnType<typeof scrapeTarget>>): ScrapeOk {
  if (!r.ok) throw new Error(`scrape failed: ${r.finding.summary}`);
  return r;
}

describe.skipIf(!haveProm)(`PromQL source against a real Prometheus${haveProm ? '' : ` (${SKIP_WHY})`}`, () => {
  it('reads the same series as /federate and the heuristics find the same things, through a leak to the OOM kill', async () => {
    const federate = Target.parse({ name: 'prometheus', kind: 'federate', url: sim.federateUrl });
    const promql = Target.parse({ name: 'prometheus', kind: 'promql', url: promUrl, appSeries: true, timeout: 5_000 });
    const opts = { names: defaultMetricNames, selectors: RunbookSelectors.parse({}), thresholds: resolveThresholds({}), policy: AlertPolicy.parse({}) };
    const viaFederate = new Watcher(opts);
    const viaPromql = new Watcher(opts);

    // Warm up the leak pod to ~60% of its limit, past the post-start grace, before the watchers start looking.
    sim.setScenario('binary-leak');
    while (sim.model.memory(0).workingSet / sim.model.limit < 0.6) {
      clock.advance(60_000);
      sim.tick();
    }

    const seen = new Set<string>();
    let killed = false;
    for (let round = 0; round < 24 && !killed; round++) {
      clock.advance(SIM_STEP_MS);
      sim.tick();
      const direct = ok(await scrapeTarget(federate, { now: () => clock.now() }));
      const want = stored(direct.snapshot);
      // Prometheus scrapes every 500 ms: wait until it has this moment, which is also the parity assertion.
      let last: Record<string, number> = {};
      const viaProm = await waitFor(
        `round ${round}: Prometheus to answer the same series and values as /federate`,
        async () => {
          const r = ok(await scrapeTarget(promql, { now: Date.now }));
          last = stored(r.snapshot);
          return JSON.stringify(Object.entries(last).sort()) === JSON.stringify(Object.entries(want).sort()) ? r : undefined;
        },
        10_000,
        () => `wanted ${Object.keys(want).length} series, got ${Object.keys(last).length}; first difference: ${Object.keys(want).find((k) => want[k] !== last[k]) ?? Object.keys(last).find((k) => !(k in want))}\n${prometheus.output().slice(-800)}`,
      );
      expect(podsOf(viaProm.snapshot).sort()).toEqual(podsOf(direct.snapshot).sort());
      expect(viaProm.snapshot.kind).toBe('federate');

      // The PromQL snapshot is stamped with the real query time; evaluate both at the simulated moment they show.
      const now = clock.now();
      const a = viaFederate.observe({ now, snapshots: [direct.snapshot], scrapeFailures: [] });
      const b = viaPromql.observe({ now, snapshots: [{ ...viaProm.snapshot, ts: direct.snapshot.families[0]!.samples[0]!.timestamp! }], scrapeFailures: [] });
      expect(essentials(b.findings)).toEqual(essentials(a.findings));
      for (const f of a.findings) seen.add(`${f.rule}:${f.pod}`);
      killed = a.findings.some((f) => f.rule === 'oom-killed');
    }

    const leakPod = sim.pods[0]!;
    for (const rule of ['binary-growth', 'time-to-oom', 'memory-pressure', 'oom-killed']) expect(seen).toContain(`${rule}:${leakPod}`);
    const memoryRules = /^(time-to-oom|memory-pressure|oom-killed|binary-growth|restarts):/;
    expect([...seen].filter((s) => s.endsWith(`:${sim.pods[1]!}`) && memoryRules.test(s))).toEqual([]);
  }, 60_000);
});
