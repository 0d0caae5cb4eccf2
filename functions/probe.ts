/**
 * Lambda entry: the scheduled probe (EventBridge `rate(...)`). Scrape, evaluate, route, commit state to DynamoDB
 * (optimistic lock), then hand the jobs to SQS and publish CloudWatch metrics — see `platform/aws/probe-run.ts`.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { probeDeps } from './platform/aws/probe-deps.ts';
import { deadlineFrom, lambdaChain, requestLog } from './platform/aws/lambda.ts';
import { runProbe, type ProbeSummary } from './platform/aws/probe-run.ts';

export const handler = lambdaChain<ScheduledEvent, ProbeSummary>('probe').handler(async (_event, context, { signal }) => {
  const deps = await probeDeps();
  return runProbe(deps, { log: requestLog(context), deadlineMs: deadlineFrom(context, deps.now), signal });
});
