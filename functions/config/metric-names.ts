import * as z from 'zod';

/**
 * Every metric name pooler-watch reads, defaulting to the Codex Pooler runbook's names
 * (../shared/codex-pooler-monitoring.md). Operators with relabelled series override them in config.
 * Histogram names are the family name (without `_bucket`).
 */
// One string schema shared by every name (only the default differs): zod schemas are immutable, and each cold
// start builds these ~40 fields.
const NAME = z.string();

export const MetricNames = z
  .object({
    // Kubernetes cgroup (cAdvisor) — per pod, `container="app"`.
    workingSet: NAME.default('container_memory_working_set_bytes'),
    rss: NAME.default('container_memory_rss'),
    cache: NAME.default('container_memory_cache'),
    cgroupUsage: NAME.default('container_memory_usage_bytes'),
    specLimit: NAME.default('container_spec_memory_limit_bytes'),
    containerStart: NAME.default('container_start_time_seconds'),
    // kube-state-metrics — container label is `exported_container` once federated through Prometheus.
    kubeLimit: NAME.default('kube_pod_container_resource_limits'),
    restarts: NAME.default('kube_pod_container_status_restarts_total'),
    lastTerminatedReason: NAME.default('kube_pod_container_status_last_terminated_reason'),
    // BEAM (telemetry_poller / prometheus reporter).
    beamTotal: NAME.default('vm_memory_total_bytes'),
    beamProcesses: NAME.default('vm_memory_processes_bytes'),
    beamBinary: NAME.default('vm_memory_binary_bytes'),
    beamEts: NAME.default('vm_memory_ets_bytes'),
    beamCode: NAME.default('vm_memory_code_bytes'),
    beamAtom: NAME.default('vm_memory_atom_bytes'),
    beamAtomUsed: NAME.default('vm_memory_atom_used_bytes'),
    beamSystem: NAME.default('vm_memory_system_bytes'),
    processCount: NAME.default('vm_system_counts_process_count'),
    portCount: NAME.default('vm_system_counts_port_count'),
    atomCount: NAME.default('vm_system_counts_atom_count'),
    processLimit: NAME.default('vm_system_limits_process_limit'),
    portLimit: NAME.default('vm_system_limits_port_limit'),
    atomLimit: NAME.default('vm_system_limits_atom_limit'),
    runQueueTotal: NAME.default('vm_total_run_queue_lengths_total'),
    runQueueCpu: NAME.default('vm_total_run_queue_lengths_cpu'),
    runQueueIo: NAME.default('vm_total_run_queue_lengths_io'),
    // Codex Pooler application.
    streamBufferOversized: NAME.default('codex_pooler_gateway_stream_buffer_oversized_count_total'),
    streamBufferTruncated: NAME.default('codex_pooler_gateway_stream_buffer_truncated_count_total'),
    admissionEnqueued: NAME.default('codex_pooler_gateway_admission_enqueued_count'),
    admissionAccepted: NAME.default('codex_pooler_gateway_admission_accepted_count'),
    admissionRejected: NAME.default('codex_pooler_gateway_admission_rejected_count'),
    admissionTimedOut: NAME.default('codex_pooler_gateway_admission_timed_out_count'),
    admissionQueueTime: NAME.default('codex_pooler_gateway_admission_dequeued_time_seconds'),
    httpRequests: NAME.default('codex_pooler_http_request_count'),
    httpDuration: NAME.default('codex_pooler_http_request_duration_seconds'),
    repoQueries: NAME.default('codex_pooler_repo_query_count'),
    repoQueryTime: NAME.default('codex_pooler_repo_query_total_time_seconds'),
    repoQueueTime: NAME.default('codex_pooler_repo_query_queue_time_seconds'),
  })
  .strict();

export type MetricNames = z.infer<typeof MetricNames>;

export const defaultMetricNames: MetricNames = MetricNames.parse({});

/**
 * Label selectors from the runbook, used for matching federated series and for the PromQL in findings.
 * `container="app"` for cAdvisor, `exported_container="app"` for kube-state-metrics through Prometheus.
 */
export const RunbookSelectors = z
  .object({
    namespace: z.string().default('codex-pooler'),
    job: z.string().default('codex-pooler-app'),
    container: z.string().default('app'),
  })
  .strict();

export type RunbookSelectors = z.infer<typeof RunbookSelectors>;
