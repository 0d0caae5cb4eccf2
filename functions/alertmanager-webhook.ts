/**
 * Lambda entry: `POST /alertmanager` on an HTTP API (payload 2.0). Receiver credentials come from the
 * `RECEIVER_SECRET_ID` secret through `@middy/secrets-manager` (cached 5 min); accepted batches go to SQS.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { webhookDeps } from './platform/aws/webhook-deps.ts';
import { lambdaChain, requestLog } from './platform/aws/lambda.ts';
import { receiverSecret } from './platform/aws/receiver-secret.ts';
import { alertmanagerWebhook } from './platform/aws/webhook-adapter.ts';

export const handler = lambdaChain<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>('alertmanager-webhook', { http: true })
  .use(receiverSecret(process.env.RECEIVER_SECRET_ID || undefined))
  .handler(async (event, context) => alertmanagerWebhook(event, await webhookDeps(), { log: requestLog(context), auth: context.receiverAuth ?? {} }));
