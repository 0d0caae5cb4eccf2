/**
 * Inhibit rules worth shipping, opt-in with `inhibitRules: default` in the routing config (Alertmanager ships
 * none, and muting is surprising when you did not ask for it). Raw config input: the schema parses them.
 *
 * - A pod that was OOM-killed makes its warning/info alerts noise: the operator is already on the kill.
 * - A critical `memory-pressure` or `time-to-oom` on a pod mutes that pod's warning/info alerts, which are
 *   usually the symptoms feeding it (binary growth, run queue, …).
 *
 * An alert never inhibits itself, so a warning-level `oom-killed` still notifies.
 */
export const DEFAULT_INHIBIT_RULES = [
  {
    sourceMatchers: ['rule="oom-killed"'],
    targetMatchers: ['severity=~"warning|info"'],
    equal: ['pod'],
  },
  {
    sourceMatchers: ['rule=~"memory-pressure|time-to-oom"', 'severity="critical"'],
    targetMatchers: ['severity=~"warning|info"'],
    equal: ['pod'],
  },
] as const;
