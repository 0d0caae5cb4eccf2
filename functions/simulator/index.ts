/**
 * The Codex Pooler simulator, used by `pooler-watch demo` and end-to-end tests.
 *
 * HTTP: `startSimulator(opts)` serves `/metrics`, `/pods/<pod>/metrics`, `/federate?match[]=…` and `/healthz`
 * on 127.0.0.1, optionally behind a bearer token, advancing the model to `clock.now()` on each request.
 *
 * Pure model (no HTTP): `createModel(opts)` → `SimModel` (`advanceTo(ms)`, `setScenario(name, atMs?)`,
 * `memory(i)`), rendered by `renderAppMetrics(model, podIndex)` and `renderFederate(model, match)`;
 * `parseSelector` / `selectorMatches` are the `match[]` selector parser. Deterministic: a seeded PRNG and
 * sim time only, in fixed STEP_MS steps.
 */
export { ManualClock, AcceleratedClock, DEFAULT_START_MS, type SimClock } from './clock.ts';
export { SCENARIOS, SCENARIO_EFFECTS, isScenarioName, type ScenarioName } from './scenarios.ts';
export { createModel, ModelOptions, STEP_MS, MAX_STEPS_PER_ADVANCE, type SimModel } from './model.ts';
export type { PodMemory } from './memory.ts';
export type { PodState, TerminationReason } from './pod-state.ts';
export { renderAppMetrics, renderFederate, TEXT_CONTENT_TYPE, MAX_MATCHERS } from './render.ts';
export { parseSelector, selectorMatches, SelectorError, type LabelMatcher, type MatchOp } from './selector.ts';
export { NAMESPACE, APP_JOB, IMAGE } from './kube-families.ts';
export { startSimulator, type Simulator, type SimulatorOptions } from './server.ts';
