import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '..', '..', 'functions', 'core');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// design.md: the core is pure so heuristics and the alert reducer are deterministic and portable between runtimes.
const FORBIDDEN: Array<[RegExp, string]> = [
  [/from\s+['"]axios['"]/, 'axios'],
  [/from\s+['"]@aws-sdk\//, '@aws-sdk'],
  [/process\.env/, 'process.env'],
  [/Date\.now\s*\(/, 'Date.now()'],
  [/new Date\(\s*\)/, 'new Date()'],
  [/Math\.random\s*\(/, 'Math.random()'],
  [/from\s+['"]node:(fs|http|https|net|child_process)/, 'I/O modules'],
  [/from\s+['"]\.\.\/(\.\.\/)?(platform|runtime|channels|simulator)\//, 'an adapter import'],
];

describe('functions/core stays pure', () => {
  const all = files(CORE);
  it('has files to check', () => {
    expect(all.length).toBeGreaterThan(5);
  });
  for (const file of all) {
    it(file.slice(CORE.length + 1), () => {
      const text = readFileSync(file, 'utf8');
      const hits = FORBIDDEN.filter(([re]) => re.test(text)).map(([, what]) => what);
      expect(hits).toEqual([]);
    });
  }
});
