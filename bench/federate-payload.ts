/**
 * A deterministic, realistic Prometheus `/federate` body for the parser benchmark.
 *
 * Shaped like real federation output: every float family is announced as `# TYPE <name> untyped`
 * (Prometheus does not carry type metadata through federation, so classic histograms arrive as
 * separate `_bucket`/`_sum`/`_count` families), families are sorted by name, every sample carries a
 * millisecond timestamp.
 * 200 pods give 48,600 series in about 10 MB.
 */

const NAMESPACE = 'codex-pooler';
const BASE_TS = 1_795_000_000_000;
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

interface Series {
  labels: string;
  value: string;
  timestamp: number;
}

/** Small LCG so the payload is identical on every run and every machine. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

function podName(i: number): string {
  const hash = (Math.imul(i + 1, 2_654_435_761) >>> 0).toString(36).padStart(7, '0').slice(0, 7);
  return `codex-pooler-app-6b5-${hash.slice(0, 2)}${String(i).padStart(3, '0')}`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(12).replace(/\.?0+$/, '');
}

/** Builds `family name → series` for one pod; the caller interleaves pods per family, like federation. */
type Add = (name: string, labels: string, value: number) => void;

/**
 * Builds the series of one pod. Federation stamps each series with its own scrape's time, so all
 * series of one target (kubelet of the node, kube-state-metrics, the pod's /metrics) share one.
 */
function podSeries(i: number, rnd: () => number, emit: (name: string, labels: string, value: number, ts: number) => void): void {
  const target = (offset: number): Add => (name, labels, value) => emit(name, labels, value, BASE_TS + offset);
  const kubelet = target((i % 16) * 613);
  const stateMetrics = target(4_021);
  const add = target(i * 37 + 11);
  const pod = podName(i);
  const node = `ip-10-0-${i % 16}-${(i * 7) % 250}.ec2.internal`;
  const ip = `10.0.${i % 250}.${(i * 11) % 10}`;
  const cadv = `instance="${node}",job="kubelet",namespace="${NAMESPACE}",pod="${pod}"`;
  const limit = 2_147_483_648;
  const ws = Math.round(limit * (0.35 + rnd() * 0.5));
  for (const [container, image] of [['app', 'ghcr.io/codex/pooler:1.42.0'], ['POD', '']] as const) {
    const l = `container="${container}",image="${image}",${cadv}`;
    const scale = container === 'app' ? 1 : 0.001;
    kubelet('container_memory_working_set_bytes', l, Math.round(ws * scale));
    kubelet('container_memory_rss', l, Math.round(ws * 0.8 * scale));
    kubelet('container_memory_cache', l, Math.round(ws * 0.15 * scale));
    kubelet('container_memory_usage_bytes', l, Math.round(ws * 1.1 * scale));
    kubelet('container_memory_swap', l, 0);
    kubelet('container_memory_mapped_file', l, Math.round(ws * 0.02 * scale));
    kubelet('container_spec_memory_limit_bytes', l, container === 'app' ? limit : 0);
    kubelet('container_start_time_seconds', l, 1_794_990_000 + i);
    kubelet('container_cpu_usage_seconds_total', l, rnd() * 5000);
    kubelet('container_oom_events_total', l, i % 23 === 0 ? 1 : 0);
  }
  const ksm = `exported_container="app",exported_pod="${pod}",instance="10.0.200.4:8080",job="kube-state-metrics"`;
  stateMetrics('kube_pod_container_resource_limits', `${ksm},node="${node}",resource="memory",unit="byte"`, limit);
  stateMetrics('kube_pod_container_resource_limits', `${ksm},node="${node}",resource="cpu",unit="core"`, 2);
  stateMetrics('kube_pod_container_resource_requests', `${ksm},node="${node}",resource="memory",unit="byte"`, limit / 2);
  stateMetrics('kube_pod_container_status_restarts_total', ksm, i % 17 === 0 ? 3 : 0);
  stateMetrics('kube_pod_container_status_last_terminated_reason', `${ksm},reason="OOMKilled"`, i % 17 === 0 ? 1 : 0);
  stateMetrics('kube_pod_container_status_ready', ksm, 1);
  stateMetrics('kube_pod_container_status_running', ksm, 1);
  for (const phase of ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown']) {
    stateMetrics('kube_pod_status_phase', `${ksm},phase="${phase}"`, phase === 'Running' ? 1 : 0);
  }
  const app = `instance="${ip}",job="codex-pooler-app",namespace="${NAMESPACE}",pod="${pod}"`;
  const beam = Math.round(ws * 0.7);
  const vm: Array<[string, number]> = [
    ['vm_memory_total_bytes', beam], ['vm_memory_processes_bytes', beam * 0.4], ['vm_memory_binary_bytes', beam * 0.3],
    ['vm_memory_ets_bytes', beam * 0.1], ['vm_memory_code_bytes', 40_000_000], ['vm_memory_atom_bytes', 1_500_000],
    ['vm_memory_atom_used_bytes', 1_400_000], ['vm_memory_system_bytes', beam * 0.6],
    ['vm_system_counts_process_count', 2000 + Math.round(rnd() * 3000)], ['vm_system_counts_port_count', 100 + (i % 40)],
    ['vm_system_counts_atom_count', 42_000], ['vm_system_limits_process_limit', 1_048_576],
    ['vm_system_limits_port_limit', 65_536], ['vm_system_limits_atom_limit', 1_048_576],
    ['vm_total_run_queue_lengths_total', i % 5], ['vm_total_run_queue_lengths_cpu', i % 4], ['vm_total_run_queue_lengths_io', i % 2],
  ];
  for (const [name, v] of vm) add(name, app, Math.round(v));
  for (const method of ['GET', 'POST', 'DELETE']) {
    for (const sc of ['2xx', '3xx', '4xx', '5xx']) {
      add('codex_pooler_http_request_count', `${app},method="${method}",status_class="${sc}"`, Math.round(rnd() * 1e6));
    }
  }
  const routeClasses = ['responses', 'chat', 'models'];
  const transports = ['http', 'websocket'];
  for (const counter of ['enqueued', 'accepted', 'rejected', 'timed_out']) {
    for (const rc of routeClasses) {
      for (const tr of transports) {
        add(`codex_pooler_gateway_admission_${counter}_count`, `${app},route_class="${rc}",transport="${tr}"`, Math.round(rnd() * 1e5));
      }
    }
  }
  add('codex_pooler_gateway_stream_buffer_oversized_count_total', app, i % 9);
  add('codex_pooler_gateway_stream_buffer_truncated_count_total', app, i % 13);
  const sources = ['accounts', 'api_keys', 'usage_events', 'unknown'];
  const commands = ['select', 'insert', 'update', 'delete'];
  for (const source of sources) {
    for (const command of commands) {
      add('codex_pooler_repo_query_count', `${app},command="${command}",source="${source}"`, Math.round(rnd() * 1e5));
    }
  }
  const histogram = (name: string, labels: string): void => {
    let cumulative = 0;
    for (const le of BUCKETS) {
      cumulative += Math.round(rnd() * 500);
      add(`${name}_bucket`, `${labels},le="${le}"`, cumulative);
    }
    add(`${name}_sum`, labels, cumulative * rnd() * 0.3);
    add(`${name}_count`, labels, cumulative);
  };
  for (const rc of routeClasses) histogram('codex_pooler_http_request_duration_seconds', `${app},route_class="${rc}"`);
  for (const rc of routeClasses) {
    for (const tr of transports) histogram('codex_pooler_gateway_admission_dequeued_time_seconds', `${app},route_class="${rc}",transport="${tr}"`);
  }
  histogram('codex_pooler_repo_query_queue_time_seconds', app);
}

/** Generates the federate body for `pods` pods (deterministic: same input, same bytes). */
export function federatePayload(pods = 200): string {
  const rnd = makeRandom(0x5eed);
  const families = new Map<string, Series[]>();
  for (let i = 0; i < pods; i++) {
    podSeries(i, rnd, (name, labels, value, timestamp) => {
      let list = families.get(name);
      if (list === undefined) {
        list = [];
        families.set(name, list);
      }
      list.push({ labels, value: fmt(value), timestamp });
    });
  }
  const parts: string[] = [];
  for (const name of [...families.keys()].sort()) {
    parts.push(`# TYPE ${name} untyped\n`);
    for (const s of families.get(name) ?? []) parts.push(`${name}{${s.labels}} ${s.value} ${s.timestamp}\n`);
  }
  return parts.join('');
}
