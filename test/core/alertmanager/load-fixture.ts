import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'alertmanager');

/** Names of the Alertmanager webhook fixtures. */
export type FixtureName = 'codex-pooler-firing-resolved' | 'unknown-fields' | 'non-codex';

/** Raw text of a fixture. */
export function fixtureText(name: FixtureName): string {
  return readFileSync(join(DIR, `${name}.json`), 'utf8');
}

/** A fresh decoded copy of a fixture (mutate freely). */
export function fixture(name: FixtureName): Record<string, unknown> & { alerts: Array<Record<string, unknown> & { labels: Record<string, string>; annotations: Record<string, string> }> } {
  return JSON.parse(fixtureText(name));
}
