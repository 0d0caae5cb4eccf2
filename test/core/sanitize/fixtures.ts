/**
 * Realistic-looking but FAKE credentials, assembled from parts so secret scanners never see a token-shaped
 * literal in this repository. None of these were ever valid anywhere.
 */
const join = (...parts: string[]): string => parts.join('');

export const FAKE = {
  openai: join('sk-', 'proj-', 'FAKEc0ffeeT3stK3yN0tR3al', 'ExAmPlE0123456789xyz'),
  openaiLegacy: join('sk-', 'FAKE0123456789abcdefGHIJKLMNOPqrstuvWXYZ0123'),
  stripeSecret: join('sk_', 'live_', 'FAKE4eC39HqLyjWDarjtT1zdp7dc'),
  stripePublishable: join('pk_', 'test_', 'FAKETYooMQauvdEDq54NiTphI7jx'),
  stripeRestricted: join('rk_', 'live_', 'FAKE51H8abcDEF0123456789xyz'),
  lowercaseKey: join('sk-', 'live-', '0123456789abcdef0123'),
  slackBot: join('xox', 'b-', '000000000000-0000000000000-FAKEfakeFAKEfakeFAKEfake'),
  slackUser: join('xox', 'p-', '000000000000-000000000000-000000000000-fakefakefakefakefakefakefakefake'),
  slackApp: join('xa', 'pp-', '1-A000FAKE000-0000000000000-fakefakefake'),
  githubPat: join('gh', 'p_', 'FAKEfakeFAKEfakeFAKEfake0123456789ab'),
  githubOauth: join('gh', 'o_', 'FAKEfakeFAKEfakeFAKEfake0123456789ab'),
  githubFineGrained: join('github', '_pat_', '11FAKE0000_fakeFAKEfakeFAKEfake0123456789'),
  awsKeyId: join('AK', 'IA', 'IOSFODNN7', 'EXAMPLE'),
  awsSessionKeyId: join('AS', 'IA', 'FAKE0000', 'EXAMPLE0'),
  awsSecret: join('wJalrXUtnFEMI', '/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'),
  googleKey: join('AI', 'za', 'SyFAKE-fake_FAKEfakeFAKEfake0123456'),
  jwt: join('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'eyJzdWIiOiJmYWtlLXVzZXIiLCJpYXQiOjE3MDAwMDAwMDB9', '.', 'ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw'),
  basic: Buffer.from('pooler:not-a-real-password').toString('base64'),
  genieKey: 'fa4e0000-fake-4000-8000-00000000fake',
  telegram: join('123456789', ':', 'AAFAKEfakeFAKEfakeFAKEfake012345678'),
  slackWebhookPath: join('T00000000', '/B00000000/', 'FAKEfakeFAKEfakeFAKEfake'),
  discordWebhookToken: join('FAKEfakeFAKE', '-fake_FAKEfakeFAKEfake0123'),
  highEntropy: join('Zx8Qm2Lr7Vt4Np1Kc6Hs9Jd3Fg5Wb0Ya', 'Ue7Io2'),
  privateKeyBody: join('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQDFAKEFAKEFAKE'),
};

/** One fixture per pattern family: the input, and the values that must not survive. */
export interface PatternFixture {
  pattern: string;
  input: string;
  leaks: string[];
  /** Exact output, where the shape of the result matters. */
  expected?: string;
}

export const PATTERN_FIXTURES: PatternFixture[] = [
  {
    pattern: 'private-key',
    input: `key:\n-----BEGIN RSA PRIVATE KEY-----\n${FAKE.privateKeyBody}\n${FAKE.privateKeyBody}\n-----END RSA PRIVATE KEY-----\nnext`,
    leaks: [FAKE.privateKeyBody],
  },
  {
    pattern: 'auth-header',
    input: 'GET /metrics HTTP/1.1\r\nAuthorization: Digest username="x", response="6629fae49393a05397450978507c4ef1"\r\nHost: pool',
    leaks: ['6629fae4', 'username'],
    expected: 'GET /metrics HTTP/1.1\r\nAuthorization: <redacted>\r\nHost: pool',
  },
  { pattern: 'auth-header', input: 'Proxy-Authorization: Negotiate YIIFAKEfakeToken', leaks: ['YIIFAKE'], expected: 'Proxy-Authorization: <redacted>' },
  { pattern: 'auth-header', input: 'Cookie: _codex_pooler_key=SFMyNTY.FAKE; theme=dark', leaks: ['SFMyNTY', 'theme=dark'], expected: 'Cookie: <redacted>' },
  { pattern: 'auth-header', input: 'set-cookie: _codex_pooler_key=SFMyNTY.FAKE; path=/; HttpOnly', leaks: ['SFMyNTY'] },
  { pattern: 'auth-header', input: '{"headers":{"x-api-key":"pool-key-FAKE-123"}}', leaks: ['pool-key-FAKE-123'], expected: '{"headers":{"x-api-key":"<redacted>"}}' },
  { pattern: 'json-secret-field', input: '{"user":"ops","password":"hunter2","client_secret":"fake \\"quoted\\" value"}', leaks: ['hunter2', 'quoted'], expected: '{"user":"ops","password":"<redacted>","client_secret":"<redacted>"}' },
  { pattern: 'auth-scheme', input: `curl -H 'Authorization: Bearer ${FAKE.jwt}'`, leaks: [FAKE.jwt] },
  { pattern: 'auth-scheme', input: `sent bearer tok3n-value`, leaks: ['tok3n-value'], expected: 'sent bearer <redacted>' },
  { pattern: 'auth-scheme', input: `Basic ${FAKE.basic}`, leaks: [FAKE.basic], expected: 'Basic <redacted>' },
  { pattern: 'auth-scheme', input: `GenieKey ${FAKE.genieKey}`, leaks: [FAKE.genieKey], expected: 'GenieKey <redacted>' },
  { pattern: 'auth-scheme', input: `Token ${FAKE.githubPat}`, leaks: [FAKE.githubPat], expected: 'Token <redacted>' },
  { pattern: 'url-credentials', input: 'scraping https://prom:s3cr3t-pass@pool.codex.svc:9568/metrics', leaks: ['s3cr3t-pass'], expected: 'scraping https://<redacted>@pool.codex.svc:9568/metrics' },
  { pattern: 'url-credentials', input: 'postgres://app:p%40ss@w0rd@db:5432/pool', leaks: ['p%40ss', 'w0rd'], expected: 'postgres://<redacted>@db:5432/pool' },
  { pattern: 'webhook-url', input: `POST https://hooks.slack.com/services/${FAKE.slackWebhookPath} failed`, leaks: [FAKE.slackWebhookPath, 'B00000000'], expected: 'POST https://hooks.slack.com/services/<redacted> failed' },
  { pattern: 'webhook-url', input: `https://discord.com/api/webhooks/123456789012345678/${FAKE.discordWebhookToken}`, leaks: [FAKE.discordWebhookToken] },
  { pattern: 'telegram-bot-token', input: `https://api.telegram.org/bot${FAKE.telegram}/sendMessage`, leaks: [FAKE.telegram], expected: 'https://api.telegram.org/bot<redacted>/sendMessage' },
  { pattern: 'credential-param', input: 'GET /cb?code=FAKEcode123&state=xyz&access_token=at-FAKE-1', leaks: ['FAKEcode123', 'at-FAKE-1'], expected: 'GET /cb?code=<redacted>&state=xyz&access_token=<redacted>' },
  {
    pattern: 'credential-param',
    input: 'https://bucket.s3.amazonaws.com/dump?X-Amz-Credential=FAKECRED%2F20240101&X-Amz-Security-Token=FAKEtok&X-Amz-Signature=fa4e51fa4e51',
    leaks: ['FAKECRED', 'FAKEtok', 'fa4e51fa4e51'],
  },
  { pattern: 'credential-param', input: 'retrying with api_key=FAKE-key-1 password="hunter2" session=abc123', leaks: ['FAKE-key-1', 'hunter2', 'abc123'], expected: 'retrying with api_key=<redacted> password="<redacted>" session=<redacted>' },
  { pattern: 'credential-param', input: 'https://x.example/h?key=FAKEkey&sig=FAKEsig&auth=FAKEauth', leaks: ['FAKEkey', 'FAKEsig', 'FAKEauth'] },
  {
    pattern: 'colon-secret-field',
    input: '** (DBConnection.ConnectionError) [username: "pooler", password: "hunter2-prod", hostname: "db"]',
    leaks: ['hunter2-prod'],
    expected: '** (DBConnection.ConnectionError) [username: "pooler", password: "<redacted>", hostname: "db"]',
  },
  { pattern: 'colon-secret-field', input: 'config:\n  password: hunter2-prod\n  host: db', leaks: ['hunter2-prod'], expected: 'config:\n  password: <redacted>\n  host: db' },
  { pattern: 'colon-secret-field', input: "{'client_secret': 'cs-prod-9876', 'scope': 'read'}", leaks: ['cs-prod-9876'], expected: "{'client_secret': '<redacted>', 'scope': 'read'}" },
  { pattern: 'colon-secret-field', input: '%{"password" => "hunter2", "user" => "ops"}', leaks: ['hunter2'], expected: '%{"password" => "<redacted>", "user" => "ops"}' },
  { pattern: 'api-key', input: `upstream rejected ${FAKE.openai}`, leaks: [FAKE.openai], expected: 'upstream rejected <redacted>' },
  { pattern: 'api-key', input: `${FAKE.openaiLegacy} ${FAKE.stripeSecret} ${FAKE.stripePublishable} ${FAKE.stripeRestricted} ${FAKE.lowercaseKey}`, leaks: [FAKE.openaiLegacy, FAKE.stripeSecret, FAKE.stripePublishable, FAKE.stripeRestricted, FAKE.lowercaseKey] },
  { pattern: 'slack-token', input: `tokens ${FAKE.slackBot}, ${FAKE.slackUser} and ${FAKE.slackApp}`, leaks: [FAKE.slackBot, FAKE.slackUser, FAKE.slackApp] },
  { pattern: 'github-token', input: `git clone https://x-access:${FAKE.githubPat}@github.com/o/r ${FAKE.githubOauth} ${FAKE.githubFineGrained}`, leaks: [FAKE.githubPat, FAKE.githubOauth, FAKE.githubFineGrained] },
  { pattern: 'aws-access-key-id', input: `aws_access_key_id = ${FAKE.awsKeyId} (session ${FAKE.awsSessionKeyId})`, leaks: [FAKE.awsKeyId, FAKE.awsSessionKeyId], expected: 'aws_access_key_id = <redacted> (session <redacted>)' },
  { pattern: 'google-api-key', input: `maps ${FAKE.googleKey}.`, leaks: [FAKE.googleKey], expected: 'maps <redacted>.' },
  { pattern: 'jwt', input: `session jwt: ${FAKE.jwt}; expired`, leaks: [FAKE.jwt, 'eyJzdWIi'], expected: 'session jwt: <redacted>; expired' },
  { pattern: 'high-entropy', input: `aws_secret_access_key ${FAKE.awsSecret}`, leaks: [FAKE.awsSecret], expected: 'aws_secret_access_key <redacted>' },
  { pattern: 'high-entropy', input: `upload id ${FAKE.highEntropy} stalled`, leaks: [FAKE.highEntropy], expected: 'upload id <redacted> stalled' },
  { pattern: 'high-entropy', input: `GET /v1/files/${FAKE.highEntropy}/content`, leaks: [FAKE.highEntropy], expected: 'GET /v1/files/<redacted>/content' },
];

/** Runbook PromQL (docs/codex-pooler-monitoring.md): must survive unchanged. */
export const RUNBOOK_PROMQL: string[] = [
  'max by (pod) (\n  container_memory_working_set_bytes{namespace="codex-pooler", container="app", image!=""}\n)',
  'vm_memory_total_bytes{namespace="codex-pooler", job="codex-pooler-app"}\nvm_memory_binary_bytes{namespace="codex-pooler", job="codex-pooler-app"}',
  'clamp_min(\n  max by (pod) (\n    container_memory_working_set_bytes{\n      namespace="codex-pooler",\n      container="app",\n      image!=""\n    }\n  )\n  - on (pod)\n  max by (pod) (\n    vm_memory_total_bytes{namespace="codex-pooler", job="codex-pooler-app"}\n  ),\n  0\n)',
  'increase(kube_pod_container_status_restarts_total{\n  namespace="codex-pooler",\n  exported_container="app"\n}[15m])',
  'rate(codex_pooler_gateway_stream_buffer_oversized_count_total[5m])\nrate(codex_pooler_gateway_stream_buffer_truncated_count_total[5m])',
  'topk(10,\n  sum by (source, command) (\n    rate(codex_pooler_repo_query_count{namespace="codex-pooler", job="codex-pooler-app"}[5m])\n  )\n)',
  'sum by (pod, command) (\n  rate(codex_pooler_repo_query_count{\n    namespace="codex-pooler",\n    job="codex-pooler-app",\n    source="unknown"\n  }[5m])\n)',
  'histogram_quantile(0.95,\n  sum by (le, source, command) (\n    rate(codex_pooler_repo_query_total_time_seconds_bucket{\n      namespace="codex-pooler",\n      job="codex-pooler-app"\n    }[5m])\n  )\n)',
  'sum by (method, status_class) (\n  rate(codex_pooler_http_request_count{\n    namespace="codex-pooler",\n    job="codex-pooler-app"\n  }[5m])\n)',
  'histogram_quantile(0.95,\n  sum by (le, route_class, transport) (\n    rate(codex_pooler_gateway_admission_dequeued_time_seconds_bucket{\n      namespace="codex-pooler",\n      job="codex-pooler-app"\n    }[5m])\n  )\n)',
  'up{job="codex-pooler-app"} == 0',
  'http_requests_total{code="200",method="GET",session_count="3"} 1027 1395066363000',
  'sum(rate(x[5m])) by (code) / ignoring(code) group_left sum(rate(y{code=~"5.."}[5m]))',
];

/** Everyday operational text that must survive unchanged (false-positive guard). */
export const BENIGN_TEXT: string[] = [
  'codex-pooler-app-7d9f8b6c5-x2k4q',
  'codex-pooler-gateway-deployment-5f7c9d8b4-abcde',
  'ingress-nginx-controller-admission-7b8c9d0e1f-2g3h4',
  'container_memory_working_set_bytes',
  'codex_pooler_gateway_admission_dequeued_time_seconds_bucket',
  '2024-05-01T12:34:56.789Z',
  '2024-05-01T12:34:56+02:00 .. 2024-05-01 12:34:56',
  '512Mi 1.5GiB 200ms 73% 1073741824 bytes 3.2e9 0.70 15m 5m 10s 2h30m',
  'check the metrics bearer token configured in /admin/system and the Secret reference',
  'scrape of pool-0 failed: 401 token rejected',
  'scrape of pool-0 failed: 403 metrics auth is on but no token configured',
  'exit code=137 reason=OOMKilled key=pod',
  'fingerprint 3f9a1c2b4d5e6f70 dedup 3f9a1c2b4d5e6f708192a3b4c5d6e7f8',
  'commit 0123456789abcdef0123456789abcdef01234567',
  'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'uid 123e4567-e89b-12d3-a456-426614174000',
  '/api/v1/namespaces/codex-pooler/pods/codex-pooler-app-7d9f8b6c5-x2k4q/log?container=app',
  'Elixir.CodexPooler.Gateway.StreamBuffer.handle_info/2',
  'lib/codex_pooler/gateway/stream_buffer.ex:123',
  'ServiceMonitorReconciliationFailedTooOften',
  'CODEX_POOLER_MEMORY_SAMPLER_THRESHOLD_RATIO=0.70',
  'CODEX_POOLER_MEMORY_SAMPLER_LIMIT_BYTES=1073741824',
  'Basic memory usage is fine; Token expired; the bearer of bad news',
  'kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}',
  'https://grafana.example.com/d/codex-pooler-runtime-triage/codex-pooler?orgId=1&var-pod=codex-pooler-app-0&from=now-1h',
  'disk-pressure 85%, task-runner-1, sk-learn, pk-worker-0',
  'working set 1.9GiB of 2GiB limit (95%), BEAM total 1.1GiB, binary 640MiB',
  'time to OOM ~ 12 min at +41 MiB/min',
  'The pod was OOM-killed: compare BEAM memory with cgroup memory before the restart',
  // `name: value` prose: bare values without a letter and a digit (or 20+ letters that are not CamelCase words)
  'token: expired',
  'auth failed, token: expired.',
  '[username: "pooler", password: nil, hostname: "db"]',
  'session: 5m, token: v2 format',
  'credentials: configure auth (bearer, basic or sigv4) on the target',
  'sts: get session token: ExpiredTokenException: the security token included in the request is expired',
  'maxTokens=4096 totalTokens: 512 tokenCount=3 accessKeyId=none',
];
