import { describe, expect, it } from 'vitest';
import { SECRET_PATTERNS, applyPattern, createSanitizer } from '../../../functions/core/sanitize/index.ts';
import { BENIGN_TEXT, PATTERN_FIXTURES, RUNBOOK_PROMQL } from './fixtures.ts';

const { text } = createSanitizer({ secrets: [] });

describe('SECRET_PATTERNS', () => {
  it('are named, described, global, and each has at least one fixture', () => {
    const names = SECRET_PATTERNS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of SECRET_PATTERNS) {
      expect(p.regex.global, p.name).toBe(true);
      expect(p.description.length, p.name).toBeGreaterThan(10);
      expect(PATTERN_FIXTURES.some((f) => f.pattern === p.name), `fixture for ${p.name}`).toBe(true);
    }
  });

  describe.each(PATTERN_FIXTURES.map((f, i) => [`${f.pattern} #${i}`, f] as const))('%s', (_name, fixture) => {
    const out = text(fixture.input);

    it('redacts every credential in it', () => {
      for (const leak of fixture.leaks) expect(out).not.toContain(leak);
      expect(out).toContain('<redacted>');
      if (fixture.expected !== undefined) expect(out).toBe(fixture.expected);
    });

    it('is caught by its own pattern', () => {
      const pattern = SECRET_PATTERNS.find((p) => p.name === fixture.pattern);
      expect(pattern).toBeDefined();
      expect(applyPattern(pattern!, fixture.input)).not.toBe(fixture.input);
    });

    it('is idempotent', () => {
      expect(text(out)).toBe(out);
    });
  });
});

describe('benign operational text survives unchanged', () => {
  it.each(BENIGN_TEXT)('%s', (line) => {
    expect(text(line)).toBe(line);
  });

  it.each(RUNBOOK_PROMQL)('runbook PromQL: %s', (promql) => {
    expect(text(promql)).toBe(promql);
  });
});
