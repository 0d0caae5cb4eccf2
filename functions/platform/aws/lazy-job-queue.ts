import type { DeliveryJob } from '../delivery/job.ts';
import type { SqsJobQueue } from './sqs-jobs.ts';

/**
 * An {@link SqsJobQueue} that loads the real one on its first send: `load` is called once, and only when there are
 * jobs to send (a failed load is retried on the next send). The probe's rounds mostly produce no job, and the SQS
 * client and sender are then never loaded; this module imports neither (only their types), so they stay out of the
 * probe's cold start.
 */
export function lazyJobQueue(queueUrl: string, load: () => Promise<SqsJobQueue>): SqsJobQueue {
  let queue: Promise<SqsJobQueue> | undefined;
  const get = (): Promise<SqsJobQueue> => {
    const loading = (queue ??= load());
    loading.catch(() => {
      if (queue === loading) queue = undefined;
    });
    return loading;
  };
  return {
    queueUrl,
    async send(jobs: DeliveryJob[]) {
      if (jobs.length === 0) return { sent: [], failed: [], truncated: [] };
      return (await get()).send(jobs);
    },
    async enqueue(jobs: DeliveryJob[]) {
      if (jobs.length === 0) return;
      await (await get()).enqueue(jobs);
    },
  };
}
