import { SQSClient } from '@aws-sdk/client-sqs';
import { sharedClient } from './shared-clients.ts';

/** The process-wide SQS client (why it has a module of its own: shared-clients.ts). */
export const sqs = (): SQSClient => sharedClient('sqs', (c) => new SQSClient(c));
