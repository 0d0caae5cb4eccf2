/**
 * Lambda entry: a CloudWatch Logs subscription on the log group holding Codex Pooler's container logs, filtered on
 * the memory sampler's message. Snapshots become findings that are routed into SQS like Alertmanager alerts.
 */
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { lambdaChain, requestLog } from './platform/aws/lambda.ts';
import { samplerLogs, type SamplerLogsOutcome } from './platform/aws/sampler-logs-adapter.ts';
import { samplerLogsDeps } from './platform/aws/sampler-logs-deps.ts';

export const handler = lambdaChain<CloudWatchLogsEvent, SamplerLogsOutcome>('sampler-logs').handler(async (event, context) =>
  samplerLogs(event, await samplerLogsDeps(), { log: requestLog(context) }),
);
