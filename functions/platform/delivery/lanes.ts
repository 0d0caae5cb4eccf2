/**
 * Runs `work` over items grouped into lanes: items of one lane run one after another in order, lanes run
 * concurrently, at most `concurrency` at a time. All-settled: a throw is handed to `onError` and the lane
 * goes on with its next item, so one broken item never stops the rest.
 */
export async function runLanes<T>(
  lanes: ReadonlyArray<readonly T[]>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  onError: (item: T, err: unknown) => void,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < lanes.length) {
      const lane = lanes[next++]!;
      for (const item of lane) {
        try {
          await work(item);
        } catch (err) {
          onError(item, err);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, lanes.length)) }, worker));
}

/** Groups items into lanes by key, keeping first-seen lane order and item order within a lane. */
export function toLanes<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const lane = lanes.get(k);
    if (lane) lane.push(item);
    else lanes.set(k, [item]);
  }
  return [...lanes.values()];
}
