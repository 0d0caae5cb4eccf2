export { History } from './history.ts';
export { HistoryDump } from './dump.ts';
export type { Aggregation, GroupValue, HistoryOptions, Match, PodInfo, Point, SeriesView } from './types.ts';
export { median, theilSen, level, subsample, inRange } from './stats.ts';
export { extrapolatedRate, resetAdjustedDelta, hasReset } from './counters.ts';
export { bucketQuantile, parseLe, type Bucket } from './quantile.ts';
export { combine, mergePoints, pointAtOrBefore } from './select.ts';
export { matches, podOf } from './labels.ts';
