import { RoutingConfig } from '../../../functions/core/routing/index.ts';
import type { RoutableAlert } from '../../../functions/core/routing/index.ts';
import type { Severity } from '../../../functions/core/types.ts';

export const S = 1_000;
export const M = 60 * S;
export const H = 60 * M;

/** A routing config from config-shaped input (durations as strings are fine). */
export function routing(input: unknown): RoutingConfig {
  return RoutingConfig.parse(input);
}

interface AlertOpts {
  action?: RoutableAlert['action'];
  severity?: Severity;
  rule?: string;
  pod?: string;
  target?: string;
  source?: string;
}

/** A routable alert with the labels the pipeline always sets; `fp` doubles as the default rule name. */
export function alert(fp: string, opts: AlertOpts = {}): RoutableAlert {
  const action = opts.action ?? 'trigger';
  const status = action === 'resolve' ? 'resolved' : 'firing';
  const severity = opts.severity ?? 'warning';
  const labels = {
    rule: opts.rule ?? fp,
    pod: opts.pod ?? 'app-0',
    target: opts.target ?? 'app-0',
    severity,
    status,
    source: opts.source ?? 'probe',
  };
  return { fingerprint: fp, status, action, severity, labels };
}
