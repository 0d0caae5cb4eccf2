export { fingerprint } from './fingerprint.ts';
export { reduce, markNotified } from './reducer.ts';
export type { Observation, ReduceResult } from './reducer.ts';
export { step, DEFAULT_RETAIN_MS } from './step.ts';
export type { StepOptions, StepResult } from './step.ts';
export { toAlertEvent } from './event.ts';
export { compareSeverity } from './severity.ts';
export type { AlertAction, AlertEvent, AlertState, AlertStatus, Transition } from './types.ts';
