import { gunzipSync } from 'node:zlib';
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { exceedsJsonDepth } from '../../core/json-depth.ts';

const SUBSCRIPTION_DOC = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample';
const QUOTAS_DOC = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html';

/**
 * What a subscription delivers (SUBSCRIPTION_DOC): `awslogs.data` is base64 of gzip of JSON. A batch is at most
 * 1 MiB of events of at most 256 KiB each (QUOTAS_DOC); the caps leave room above that and stop anything else,
 * a gzip bomb included, before it costs memory.
 */
export const CLOUDWATCH_LOGS_LIMITS = {
  format: { doc: SUBSCRIPTION_DOC },
  base64Chars: { max: 8 * 1024 * 1024, doc: QUOTAS_DOC },
  decompressedBytes: { max: 16 * 1024 * 1024, doc: QUOTAS_DOC },
} as const;

/** The decoded payload, checked; `extractedFields` and anything else CloudWatch adds are dropped. */
export const CloudWatchLogsData = z.object({
  messageType: z.enum(['DATA_MESSAGE', 'CONTROL_MESSAGE']),
  logGroup: z.string().max(512),
  logStream: z.string().max(512),
  logEvents: z.array(z.object({ id: z.string().max(128), timestamp: z.number(), message: z.string() })).max(100_000),
});
export type CloudWatchLogsData = z.infer<typeof CloudWatchLogsData>;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_DEPTH = 8;

/** A payload that is not a CloudWatch Logs subscription's: the reason is fixed text, never the payload. */
export class LogsPayloadError extends ValidationError {
  override name = 'LogsPayloadError';
}

/**
 * `event.awslogs.data` → the subscription's JSON, or a {@link LogsPayloadError}: not base64, over a cap (checked
 * while inflating: zlib stops at `maxOutputLength`), not gzip, not JSON, not the documented shape.
 */
export function decodeCloudWatchLogs(event: unknown, limits = { base64Chars: CLOUDWATCH_LOGS_LIMITS.base64Chars.max, decompressedBytes: CLOUDWATCH_LOGS_LIMITS.decompressedBytes.max }): CloudWatchLogsData {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  if (typeof data !== 'string') throw new LogsPayloadError('not a CloudWatch Logs event (no awslogs.data)');
  if (data.length > limits.base64Chars) throw new LogsPayloadError(`awslogs.data over ${limits.base64Chars} characters`, { status: 413 });
  if (data.length % 4 !== 0 || !BASE64.test(data)) throw new LogsPayloadError('awslogs.data is not base64');
  let json: Buffer;
  try {
    json = gunzipSync(Buffer.from(data, 'base64'), { maxOutputLength: limits.decompressedBytes });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
      throw new LogsPayloadError(`awslogs.data inflates past ${limits.decompressedBytes} bytes`, { status: 413, cause });
    }
    throw new LogsPayloadError('awslogs.data is not gzip', { cause });
  }
  const text = json.toString('utf8');
  if (exceedsJsonDepth(text, MAX_DEPTH)) throw new LogsPayloadError('awslogs.data is nested too deeply');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new LogsPayloadError('awslogs.data is not JSON', { cause });
  }
  const parsed = CloudWatchLogsData.safeParse(value);
  if (!parsed.success) throw new LogsPayloadError(`awslogs.data: invalid ${parsed.error.issues[0]?.path.join('.') || 'payload'}`);
  return parsed.data;
}
