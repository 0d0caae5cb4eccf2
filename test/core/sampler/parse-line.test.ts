import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markerPattern, parseKeyValues } from '../../../functions/core/sampler/index.ts';
import { MiB, SCHEDULER, WEB, WORKER, fixture, parse, snapshotsOf } from './helpers.ts';

const results = (text: string) => text.replace(/\n$/, '').split('\n').map((l) => parse(l));

describe('sampler lines: Elixir Logger key=value (kubectl logs --timestamps)', () => {
  it('reads every snapshot of the worker fixture and skips the ordinary lines', () => {
    const all = results(fixture('worker-oom.log'));
    expect(all.filter((r) => r.kind === 'snapshot')).toHaveLength(6);
    expect(all.filter((r) => r.kind === 'rejected')).toEqual([]);
    expect(all.filter((r) => r.kind === 'skipped').length).toBe(all.length - 6);
  });

  it('maps every allowlisted field, the JSON top lists and the time prefix', () => {
    const s = snapshotsOf(fixture('worker-oom.log'))[0]!;
    expect(s).toEqual({
      pod: WORKER,
      role: 'worker',
      node: 'codex_pooler@10.0.2.41',
      ts: Date.parse('2026-11-24T10:00:02.118Z'),
      memory: { total: 742 * MiB, processes: 201 * MiB, binary: 388 * MiB, ets: 71 * MiB, code: 31 * MiB, atom: MiB + 262_144, system: 50 * MiB },
      cgroup: { usage: 781 * MiB, limit: 1024 * MiB, rss: 752 * MiB, cache: 29 * MiB, workingSet: 770 * MiB },
      processCount: 1834,
      portCount: 61,
      // An unregistered process (`registered_name: []`) is named by its initial call, never by its pid alone.
      topProcesses: [
        { name: 'Elixir.CodexPooler.Workers.ExportJob.init/1', memory: 212 * MiB, messageQueueLen: 0 },
        { name: 'Elixir.CodexPooler.Workers.UsageFlusher', memory: 38 * MiB, messageQueueLen: 2 },
        { name: 'Elixir.CodexPooler.Repo.Pool', memory: 9 * MiB, messageQueueLen: 0 },
      ],
      topQueues: [
        { name: 'Elixir.CodexPooler.Workers.UsageFlusher', memory: 38 * MiB, messageQueueLen: 2 },
        { name: 'Elixir.Oban.Queue.Exports.Producer', memory: 2 * MiB, messageQueueLen: 1 },
      ],
      topEts: [
        { name: 'codex_pooler_export_chunks', memory: 52 * MiB },
        { name: 'Elixir.CodexPooler.RateLimiter', memory: 11 * MiB },
      ],
      thresholdRatio: 0.7,
      limitBytes: 1024 * MiB,
    });
  });

  it('accepts logfmt quoting, metadata after the message, and unknown keys (dropped)', () => {
    const r = parse(
      `level=warning msg="memory sampler snapshot" ts=2026-11-24T10:00:00Z pod=${WORKER} role=Worker beam_total_bytes="800000000" mystery_field="a b c" other=1`,
    );
    expect(r.kind).toBe('snapshot');
    if (r.kind !== 'snapshot') return;
    expect(r.snapshot).toEqual({ pod: WORKER, role: 'worker', ts: Date.parse('2026-11-24T10:00:00Z'), memory: { total: 800_000_000 }, cgroup: {}, topProcesses: [], topQueues: [], topEts: [] });
  });

  it('derives the role from the pod name when the line has none', () => {
    const r = parse(`ts=2026-11-24T10:00:00Z pod=${SCHEDULER} beam_total_bytes=1 memory sampler snapshot`);
    expect(r.kind === 'snapshot' && r.snapshot.role).toBe('scheduler');
  });

  it('parses key=value tokens leniently', () => {
    expect(parseKeyValues('12:00:01.123 a=1 b="x \\"y\\" z" [warning] c=[{"k":"v w"}] d={"e":[1,2]} e= f=g=h')).toEqual(
      Object.assign(Object.create(null), { a: '1', b: 'x "y" z', c: '[{"k":"v w"}]', d: '{"e":[1,2]}', e: '', f: 'g=h' }),
    );
    const polluted = parseKeyValues('__proto__=x constructor=y');
    expect(Object.getPrototypeOf(polluted)).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('sampler lines: JSON', () => {
  it('reads Fluent Bit envelopes: pod and node from the Kubernetes metadata, fields from LoggerJSON metadata', () => {
    const snaps = snapshotsOf(fixture('scheduler-mailbox.jsonl'));
    expect(snaps).toHaveLength(4);
    const s = snaps[3]!;
    expect(s.pod).toBe(SCHEDULER);
    expect(s.role).toBe('scheduler');
    expect(s.ts).toBe(Date.parse('2026-11-24T11:04:35.154Z'));
    expect(s.cgroup).toEqual({ usage: 468 * MiB, limit: 512 * MiB, rss: 455 * MiB, cache: 13 * MiB, workingSet: 463 * MiB });
    expect(s.topQueues[0]).toEqual({ name: 'Elixir.CodexPooler.Scheduler.Dispatcher', memory: 167 * MiB, messageQueueLen: 31_000 });
    // Unknown fields (sampler_version, otp_release, the envelope's docker_id and image) are not kept.
    expect(JSON.stringify(s)).not.toMatch(/sampler_version|otp_release|docker_id|ghcr\.io|namespace_name/);
  });

  it('reads plain LoggerJSON lines (web fixture)', () => {
    const snaps = snapshotsOf(fixture('web-healthy.jsonl'));
    expect(snaps.map((s) => [s.pod, s.role, s.thresholdRatio])).toEqual([
      [WEB, 'web', 0.3],
      [WEB, 'web', 0.3],
      [WEB, 'web', 0.3],
    ]);
  });

  it('reads Fluent Bit Merge_Log (log_processed) and Vector (message + kubernetes) envelopes', () => {
    const inner = { message: 'memory sampler snapshot', time: '2026-11-24T10:00:00Z', memory: { total: 5 * MiB } };
    const merged = parse(JSON.stringify({ log: 'ignored', log_processed: inner, kubernetes: { pod_name: WORKER } }));
    expect(merged.kind === 'snapshot' && merged.snapshot.pod).toBe(WORKER);
    const vector = parse(JSON.stringify({ message: JSON.stringify(inner), kubernetes: { pod_name: WORKER }, timestamp: '2026-11-24T10:00:00Z' }));
    expect(vector.kind === 'snapshot' && vector.snapshot.memory.total).toBe(5 * MiB);
  });

  it('takes the transport time (a CloudWatch Logs event) when the line has none', () => {
    const r = parse(`pod=${WORKER} beam_total_bytes=1 [warning] memory sampler snapshot`, { ts: Date.parse('2026-11-24T10:00:00Z') });
    expect(r.kind === 'snapshot' && r.snapshot.ts).toBe(Date.parse('2026-11-24T10:00:00Z'));
  });
});

describe('malformed and hostile lines', () => {
  it('classifies every line of malformed.log, with fixed reasons', () => {
    const got = results(fixture('malformed.log')).map((r, i) => [i + 1, r.kind === 'rejected' ? r.reason : r.kind]);
    expect(got).toEqual([
      [1, 'skipped'],
      [2, 'invalid JSON'],
      [3, 'invalid memory.total'],
      [4, 'invalid cgroup.usage'],
      [5, 'control characters'],
      [6, 'JSON nested too deeply'],
      [7, 'snapshot'],
      [8, 'snapshot'],
      [9, 'invalid pod'],
      [10, 'no timestamp'],
      [11, 'no memory figures'],
      [12, 'invalid top_processes'],
      [13, 'snapshot'],
      [14, 'no timestamp'],
      [15, 'skipped'],
      [16, 'snapshot'],
      [17, 'envelope inside an envelope'],
      [18, 'invalid ts'],
    ]);
  });

  it('__proto__ and constructor keys pollute nothing and are not kept', () => {
    const lines = fixture('malformed.log').split('\n');
    for (const n of [7, 8]) {
      const r = parse(lines[n - 1]!);
      expect(r.kind).toBe('snapshot');
      expect(JSON.stringify(r)).not.toContain('polluted');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('an unlimited cgroup limit (`max`, cgroup v1 ~2^63) is no limit', () => {
    const r = results(fixture('malformed.log'))[12]!;
    expect(r.kind === 'snapshot' && r.snapshot.cgroup).toEqual({ usage: 830_000_000 });
    const v1 = parse(`ts=2026-11-24T10:00:00Z pod=${WORKER} cgroup_usage_bytes=1 cgroup_limit_bytes=9223372036854771712 memory sampler snapshot`);
    expect(v1.kind === 'snapshot' && v1.snapshot.cgroup.limit).toBeUndefined();
  });

  it('a 1 MB line carrying the marker is parsed or rejected in bounded time, its content never in the reason', () => {
    const huge = `{"message":"memory sampler snapshot","pod":"${WORKER}","ts":"2026-11-24T10:00:00Z","memory":{"total":1},"junk":"${'x'.repeat(1024 * 1024)}"}`;
    const started = performance.now();
    const r = parse(huge);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(r.kind).toBe('snapshot');
    const bad = parse(huge.slice(0, -2));
    expect(bad).toEqual({ kind: 'rejected', reason: 'invalid JSON' });
  });

  it('process and ETS names go through the sanitizer, a character allowlist and a length cap', () => {
    const procs = JSON.stringify([
      { registered_name: 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z', memory: 10, message_queue_len: 1 },
      { registered_name: `Elixir.${'Very'.repeat(100)}`, memory: 9 },
      { registered_name: 'has "quotes" and\\back', memory: 8 },
    ]);
    const r = parse(`ts=2026-11-24T10:00:00Z pod=${WORKER} beam_total_bytes=1 top_processes='${procs}' top_ets_tables=[{"name":"Bearer abcdefghijklmnopqrstuvwxyz012345","memory":5}] memory sampler snapshot`.replace(`'${procs}'`, procs));
    expect(r.kind).toBe('snapshot');
    if (r.kind !== 'snapshot') return;
    const names = [...r.snapshot.topProcesses, ...r.snapshot.topEts].map((e) => e.name);
    expect(names.join(' ')).not.toMatch(/sk-proj-Ab3d|abcdefghijklmnop/);
    expect(names[0]).toContain('<redacted>');
    expect(names[1]!.length).toBeLessThanOrEqual(120);
    expect(names[2]).not.toMatch(/["\\ ]/);
  });
});

describe('properties', () => {
  it('any string is classified, never throws, and a rejection reason never quotes the line', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }).map((s) => `memory sampler snapshot ${s}`),
          fc.json({ maxDepth: 4 }).map((j) => `{"message":"memory sampler snapshot","x":${j}}`),
          fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double())).map((d) =>
            JSON.stringify({ ...d, message: 'memory sampler snapshot', pod: WORKER, ts: '2026-11-24T10:00:00Z' }),
          ),
        ),
        (line) => {
          const r = parse(line);
          expect(['snapshot', 'skipped', 'rejected']).toContain(r.kind);
          if (r.kind === 'rejected') expect(r.reason).toMatch(/^[a-z][a-zA-Z0-9 ._]*$/);
          if (r.kind === 'snapshot') expect(r.snapshot.pod).toBe(WORKER);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('a line without the marker is always skipped', () => {
    const marker = markerPattern('memory sampler snapshot');
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (line) => {
        fc.pre(!marker.test(line));
        expect(parse(line)).toEqual({ kind: 'skipped' });
      }),
    );
  });
});
