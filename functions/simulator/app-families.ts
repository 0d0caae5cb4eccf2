import { defaultMetricNames as N } from '../config/metric-names.ts';
import { counterSamples, gauge, histogramSamples, type SimFamily } from './families.ts';
import type { SimModel } from './model.ts';
import {
  ADMISSION_QUEUE_BUCKETS,
  ADMISSION_SERIES,
  HTTP_DURATION_BUCKETS,
  HTTP_METHODS,
  HTTP_SERIES,
  REPO_SERIES,
  REPO_TIME_BUCKETS,
} from './traffic-catalog.ts';

/** BEAM VM limits (Erlang defaults: +P 262144, ports 65536, +t 1048576). */
const LIMITS = { process: 262_144, port: 65_536, atom: 1_048_576 } as const;

/** What pod `index` exposes on its own /metrics: BEAM and codex_pooler series, no Kubernetes labels. */
export function appFamilies(model: SimModel, index: number): SimFamily[] {
  const pod = model.pods[index];
  if (!pod) throw new RangeError(`no pod ${index}`);
  const m = model.memory(index);
  const t = pod.traffic;
  const admission = (name: string, help: string, values: Float64Array): SimFamily => ({
    name,
    type: 'counter',
    help,
    samples: counterSamples(name, ADMISSION_SERIES, values, (d) => ({ route_class: d.route_class, transport: d.transport })),
  });
  const repoLabels = (i: number): Record<string, string> => ({
    source: REPO_SERIES[i]!.source,
    command: REPO_SERIES[i]!.command,
  });
  return [
    gauge(N.beamTotal, 'BEAM memory total (processes + system), bytes.', m.total),
    gauge(N.beamProcesses, 'BEAM memory used by Erlang processes, bytes.', m.processes),
    gauge(N.beamBinary, 'BEAM memory used by off-heap binaries, bytes.', m.binary),
    gauge(N.beamEts, 'BEAM memory used by ETS tables, bytes.', m.ets),
    gauge(N.beamCode, 'BEAM memory used by loaded code, bytes.', m.code),
    gauge(N.beamAtom, 'BEAM memory allocated for atoms, bytes.', m.atom),
    gauge(N.beamAtomUsed, 'BEAM memory used by atoms, bytes.', m.atomUsed),
    gauge(N.beamSystem, 'BEAM memory not attributed to processes (includes binary, ets, code, atom), bytes.', m.system),
    gauge(N.processCount, 'Number of Erlang processes.', m.processCount),
    gauge(N.portCount, 'Number of open ports.', m.portCount),
    gauge(N.atomCount, 'Number of atoms.', m.atomCount),
    gauge(N.processLimit, 'Maximum number of Erlang processes.', LIMITS.process),
    gauge(N.portLimit, 'Maximum number of ports.', LIMITS.port),
    gauge(N.atomLimit, 'Maximum number of atoms.', LIMITS.atom),
    gauge(N.runQueueTotal, 'Total run queue length (CPU + IO schedulers).', pod.runQueueCpu + pod.runQueueIo),
    gauge(N.runQueueCpu, 'Run queue length of the CPU schedulers.', pod.runQueueCpu),
    gauge(N.runQueueIo, 'Run queue length of the dirty IO schedulers.', pod.runQueueIo),
    {
      name: N.httpRequests,
      type: 'counter',
      help: 'HTTP requests handled, by method and status class.',
      samples: counterSamples(N.httpRequests, HTTP_SERIES, t.http, (d) => ({ method: d.method, status_class: d.status_class })),
    },
    {
      name: N.httpDuration,
      type: 'histogram',
      help: 'HTTP request duration through the endpoint and router, seconds.',
      samples: HTTP_METHODS.flatMap((method, i) =>
        histogramSamples(N.httpDuration, HTTP_DURATION_BUCKETS, t.httpDuration[i]!, { method }),
      ),
    },
    admission(N.admissionEnqueued, 'Gateway admission requests enqueued.', t.admission.enqueued),
    admission(N.admissionAccepted, 'Gateway admission requests accepted.', t.admission.accepted),
    admission(N.admissionRejected, 'Gateway admission requests rejected (queue full).', t.admission.rejected),
    admission(N.admissionTimedOut, 'Gateway admission requests that timed out in the queue.', t.admission.timedOut),
    {
      name: N.admissionQueueTime,
      type: 'histogram',
      help: 'Time spent in the gateway admission queue before dequeue, seconds.',
      samples: ADMISSION_SERIES.flatMap((d, i) =>
        histogramSamples(N.admissionQueueTime, ADMISSION_QUEUE_BUCKETS, t.admissionQueue[i]!, {
          route_class: d.route_class,
          transport: d.transport,
        }),
      ),
    },
    {
      name: N.streamBufferOversized,
      type: 'counter',
      help: 'Streamed responses whose buffer exceeded the configured size.',
      samples: [{ name: N.streamBufferOversized, labels: {}, value: Math.floor(t.streamOversized) }],
    },
    {
      name: N.streamBufferTruncated,
      type: 'counter',
      help: 'Streamed responses truncated to the buffer limit.',
      samples: [{ name: N.streamBufferTruncated, labels: {}, value: Math.floor(t.streamTruncated) }],
    },
    {
      name: N.repoQueries,
      type: 'counter',
      help: 'Repo (Ecto) queries, by safe source and SQL command.',
      samples: counterSamples(N.repoQueries, REPO_SERIES, t.repo, (d) => ({ source: d.source, command: d.command })),
    },
    {
      name: N.repoQueryTime,
      type: 'histogram',
      help: 'Repo query total time (queue + query + decode), seconds.',
      samples: REPO_SERIES.flatMap((_, i) => histogramSamples(N.repoQueryTime, REPO_TIME_BUCKETS, t.repoTime[i]!, repoLabels(i))),
    },
    {
      name: N.repoQueueTime,
      type: 'histogram',
      help: 'Time waiting for a database connection, seconds.',
      samples: REPO_SERIES.flatMap((_, i) => histogramSamples(N.repoQueueTime, REPO_TIME_BUCKETS, t.repoQueue[i]!, repoLabels(i))),
    },
  ];
}
