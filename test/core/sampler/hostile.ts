/**
 * Sampler lines carrying credentials and log content where they do not belong: in unknown fields, in process and
 * ETS table names, in a pod name, in a line that is rejected. None of {@link SECRETS} may appear in any output.
 */
const POD = 'codex-pooler-worker-7d9f8c6b5-x2k4p';
const BEARER = 'pwtestBearerQ7w8E9r0T1y2U3i4O5p6';
const COOKIE = 'pwtestCookieSFMyNTY1234567890abcdef';
const SK_FIELD = 'sk-pwtestField81vQ2mP0rT7yLkAbCd';
const SK_PROCESS = 'sk-pwtestProc9Zx81vQ2mP0rT7yLkAbCdEf';
const ETS_BEARER = 'pwtestEtsBearer1234567890abcdXYZ';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwd3Rlc3QifQ.c2lnbmF0dXJlcHd0ZXN0';
const PROMPT = 'pwtest prompt text that must never leave';
const POD_KEY = 'sk-proj-pwtestpodabcdefghijk12345678';
const REJECTED = 'pwtestRejectedBearer0a9b8c7d6e5f4g3h';

export const SECRETS = [BEARER, COOKIE, SK_FIELD, SK_PROCESS, ETS_BEARER, JWT, 'eyJzdWIiOiJwd3Rlc3QifQ', PROMPT, 'pwtestpodabcdefghijk', REJECTED];

const top = JSON.stringify([
  { pid: '<0.1.0>', registered_name: SK_PROCESS, memory: 300_000_000, message_queue_len: 5 },
  { pid: '<0.2.0>', initial_call: `Elixir.Auth.${JWT}/1`, memory: 200_000_000, message_queue_len: 7, password: BEARER },
]);
const ets = JSON.stringify([{ name: `Bearer ${ETS_BEARER}`, memory: 90_000_000, contents: PROMPT }]);

export const HOSTILE_LINES: string[] = [
  `2026-11-24T10:00:00.000Z 10:00:00.000 role=worker pod=${POD} authorization="Bearer ${BEARER}" cookie=_codex_session=${COOKIE} api_key=${SK_FIELD} ` +
    `beam_total_bytes=900000000 cgroup_usage_bytes=950000000 cgroup_limit_bytes=1073741824 top_processes=${top} top_message_queues=${top} top_ets_tables=${ets} [warning] memory sampler snapshot`,
  JSON.stringify({
    time: '2026-11-24T10:01:00Z',
    message: 'memory sampler snapshot',
    request: { headers: { authorization: `Bearer ${BEARER}`, cookie: COOKIE } },
    prompt: PROMPT,
    metadata: { role: 'worker', pod: POD, memory: { total: 910_000_000 }, cgroup: { usage_bytes: 960_000_000, limit_bytes: 1_073_741_824 }, top_processes_by_memory: JSON.parse(top) as unknown, upstream_payload: PROMPT },
  }),
  `2026-11-24T10:02:00.000Z role=worker pod=${POD_KEY} beam_total_bytes=900000000 [warning] memory sampler snapshot`,
  `{"message":"memory sampler snapshot","authorization":"Bearer ${REJECTED}","pod":"${POD}",`,
  `2026-11-24T10:03:00.000Z ordinary line with Bearer ${REJECTED} and ${PROMPT}`,
];
