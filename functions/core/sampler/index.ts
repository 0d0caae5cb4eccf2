export { parseSamplerLine, markerPattern, nameCleaner, MAX_NAME_LENGTH, type LineResult, type ParseLineOptions } from './parse-line.ts';
export { parseKeyValues } from './key-value.ts';
export { toEpochMs, type LineDefaults, type NameCleaner } from './normalize.ts';
export { SnapshotInput, POD_NAME, MAX_BYTES, type SamplerSnapshot, type ProcessEntry, type EtsEntry } from './snapshot.ts';
export { MEMO_PODS, MEMO_SNAPSHOTS_PER_POD, MEMO_TOP_ENTRIES, combineSnapshots, mergeSnapshots, trimMemo, parseSamplerMemo, historyAt, SamplerMemoSchema, type SamplerMemo, type PodSamplerMemo } from './memo.ts';
export { samplerFindings, SAMPLER_TARGET, type SamplerFinding, type SamplerRule, type SamplerContext } from './findings.ts';
export { samplerBatch, samplerBatchKey, type SamplerBatch } from './alert.ts';
export { samplerHint } from './hints.ts';
