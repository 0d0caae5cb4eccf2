/**
 * Lambda entry: the SQS delivery queue's consumer. Each record is a `DeliveryJob`; failures are reported per item
 * (`ReportBatchItemFailures`), so SQS retries them and, after `maxReceiveCount`, moves them to the DLQ.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dispatchDeps } from './platform/aws/dispatch-deps.ts';
import { dispatchRecords } from './platform/aws/dispatch-batch.ts';
import { deadlineFrom, lambdaChain, requestLog } from './platform/aws/lambda.ts';

export const handler = lambdaChain<SQSEvent, SQSBatchResponse>('dispatch').handler(async (event, context, { signal }) => {
  const deps = await dispatchDeps();
  return dispatchRecords(event.Records, deps, { log: requestLog(context), deadlineMs: deadlineFrom(context, deps.now), owner: context.awsRequestId, signal });
});
