import { z } from 'zod';

/**
 * Every metric name pooler-watch reads, defaulting to the Codex Pooler runbook's names
 * (../shared/codex-pooler-monitoring.md). Operators with relabelled series override them in config.
 * Histogram names are the family name (without `_bucket`).
 */
export const MetricNames = z
  .object({
    // Kubernetes cgroup (cAdvisor) — per pod, `container="app"`.
    workingSet: z.string().default('container_memory_working_set_bytes'),
    rss: z.string().default('container_memory_rss'),
    cache: z.string().default('container_memory_cache'),
    cgroupUsage: z.string().default('container_memory_usage_bytes'),
    specLimit: z.string().default('container_spec_memory_limit_bytes'),
    containerStart: z.string().default('container_start_time_seconds'),
    // kube-state-metrics — container label is `exported_container` once federated through Prometheus.
    kubeLimit: z.string().default('kube_pod_container_resource_limits'),
    restarts: z.string().default('kube_pod_container_status_restarts_total'),
    lastTerminatedReason: z.string().default('kube_pod_container_status_last_terminated_reason'),
    // BEAM (telemetry_poller / prometheus reporter).
    beamTotal: z.string().default('vm_memory_total_bytes'),
    beamProcesses: z.string().default('vm_memory_processes_bytes'),
    beamBinary: z.string().default('vm_memory_binary_bytes'),
    beamEts: z.string().default('vm_memory_ets_bytes'),
    beamCode: z.string().default('vm_memory_code_bytes'),
    beamAtom: z.string().default('vm_memory_atom_bytes'),
    beamAtomUsed: z.string().default('vm_memory_atom_used_bytes'),
    beamSystem: z.string().default('vm_memory_system_bytes'),
    processCount: z.string().default('vm_system_counts_process_count'),
    portCount: z.string().default('vm_system_counts_port_count'),
    atomCount: z.string().default('vm_system_counts_atom_count'),
    processLimit: z.string().default('vm_system_limits_process_limit'),
    portLimit: z.string().default('vm_system_limits_port_limit'),
    atomLimit: z.string().default('vm_system_limits_atom_limit'),
    runQueueTotal: z.string().default('vm_total_run_queue_lengths_total'),
    runQueueCpu: z.string().default('vm_total_run_queue_lengths_cpu'),
    runQueueIo: z.string().default('vm_total_run_queue_lengths_io'),
    // Codex Pooler application.
    streamBufferOversized: z.string().default('codex_pooler_gateway_stream_buffer_oversized_count_total'),
    streamBufferTruncated: z.string().default('codex_pooler_gateway_stream_buffer_truncated_count_total'),
    admissionEnqueued: z.string().default('codex_pooler_gateway_admission_enqueued_count'),
    admissionAccepted: z.string().default('codex_pooler_gateway_admission_accepted_count'),
    admissionRejected: z.string().default('codex_pooler_gateway_admission_rejected_count'),
    admissionTimedOut: z.string().default('codex_pooler_gateway_admission_timed_out_count'),
    admissionQueueTime: z.string().default('codex_pooler_gateway_admission_dequeued_time_seconds'),
    httpRequests: z.string().default('codex_pooler_http_request_count'),
    httpDuration: z.string().default('codex_pooler_http_request_duration_seconds'),
    repoQueries: z.string().default('codex_pooler_repo_query_count'),
    repoQueryTime: z.string().default('codex_pooler_repo_query_total_time_seconds'),
    repoQueueTime: z.string().default('codex_pooler_repo_query_queue_time_seconds'),
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
