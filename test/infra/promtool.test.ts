import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULES = 'infra/prometheus/codex-pooler-rules.yaml';
const RULE_TESTS = 'infra/prometheus/codex-pooler-rules.test.yaml';

/** Runs promtool from the repository root; a missing promtool is a failure with install advice, never a skip. */
function promtool(args: string[]): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      "promtool is not installed: install Debian's `prometheus` package (apt-get install -y prometheus), which provides /usr/bin/promtool, then rerun.",
    );
  }
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('Prometheus rules (promtool)', () => {
  it('promtool check rules accepts the rules file', () => {
    const r = promtool(['check', 'rules', RULES]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status, r.output).toBe(0);
  });

  it('promtool test rules passes every unit test', () => {
    const r = promtool(['test', 'rules', RULE_TESTS]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
    expect(r.output).not.toContain('FAILED');
  });
});
