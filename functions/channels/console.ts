import * as z from 'zod';
import type { Notification } from '../core/render/types.ts';
import type { Channel, ChannelDeps } from './channel.ts';

/** Prints notifications for a human at a terminal: the local runtime's default receiver. */
export const ConsoleConfig = z.object({ type: z.literal('console') }).strict();
export type ConsoleConfig = z.infer<typeof ConsoleConfig>;

export function buildConsoleText(n: Notification): string {
  const lines = [`${n.createdAt.slice(11, 19)}  ${n.title}  → ${n.receiver}`];
  for (const a of n.alerts) {
    lines.push(`  ${a.status === 'resolved' ? 'resolved' : a.severity} ${a.rule} ${a.pod}: ${a.summary}`);
    // info is context: one line. Firing warnings and pages carry the evidence and the next step.
    if (a.status === 'firing' && a.severity !== 'info') {
      if (a.evidence.length) lines.push(`    evidence: ${a.evidence.map((e) => `${e.name} ${e.value}`).join(', ')}`);
      if (a.sparkline) lines.push(`    ${a.sparkline.text}  (${a.sparkline.caption})`);
      if (a.hint) lines.push(`    next step: ${a.hint}`);
      if (a.promql) lines.push(`    promql: ${a.promql.replace(/\s+/g, ' ').trim()}`);
    }
  }
  return lines.join('\n') + '\n';
}

export async function createConsoleChannel(name: string, _config: ConsoleConfig, deps: ChannelDeps): Promise<Channel> {
  const out = deps.out ?? process.stdout;
  return {
    type: 'console',
    name,
    async send(n) {
      out.write(buildConsoleText(n));
    },
  };
}
