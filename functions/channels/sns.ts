import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { MessageAttributeValue, PublishCommandInput, SNSClientConfig } from '@aws-sdk/client-sns';
import * as z from 'zod';
import type { AlertItem, Notification } from '../core/render/types.ts';
import { truncate } from '../core/render/truncate.ts';
import type { Limit } from '../core/render/truncate.ts';
import { ChannelError } from '../platform/errors.ts';
import { fifoFields } from '../platform/fifo.ts';
import { classifyStatus, parseRetryAfter } from '../platform/http-status.ts';
import type { Channel, ChannelDeps, SendContext } from './channel.ts';
import { callTimeout, DEFAULT_CHANNEL_TIMEOUT_MS } from './channel.ts';

/** Amazon SNS topic (email and SMS fan-out). Credentials come from the default AWS chain (the Lambda role). */
export const SnsConfig = z
  .object({
    type: z.literal('sns'),
    topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'expected an SNS topic ARN'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region like eu-west-1'),
    /** Endpoint override (VPC endpoint, LocalStack, tests); default is the regional SNS endpoint. */
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type SnsConfig = z.infer<typeof SnsConfig>;

const PUBLISH_DOC = 'https://docs.aws.amazon.com/sns/latest/api/API_Publish.html';
export const LIMITS = {
  /** "ASCII text … no line breaks or control characters, and less than 100 characters long". */
  subject: { max: 99, unit: 'chars', doc: PUBLISH_DOC },
  /** 256 KB = 262 144 bytes, and message attributes (name, type and value) count towards it. */
  message: { max: 262_144, unit: 'bytes', doc: 'https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html' },
} as const satisfies Record<string, Limit>;

const enc = (s: string) => Buffer.byteLength(s, 'utf8');
const markTest = (text: string) => (text.startsWith('[TEST]') ? text : `[TEST] ${text}`);

/** Printable ASCII only: common typography mapped, other characters dropped, whitespace runs collapsed. */
function toAscii(text: string): string {
  return text
    .replace(/…/g, '...')
    .replace(/[‐-―−]/g, '-')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Email subject: ASCII, one line, < 100 chars (truncate's `…` becomes `...`, hence the 2-char margin). */
export function snsSubject(title: string): string {
  const ascii = toAscii(title);
  const fitted = Array.from(ascii).length > LIMITS.subject.max ? toAscii(truncate(ascii, LIMITS.subject.max - 2)) : ascii;
  return fitted || 'pooler-watch alert';
}

function section(a: AlertItem): string {
  const resolved = a.status === 'resolved';
  const lines = [`${resolved ? 'RESOLVED' : a.severity.toUpperCase()}: ${a.title}`, a.summary];
  if (resolved) lines.push(`Resolved at ${a.endsAt ?? 'now'}`);
  else lines.push(`Next step: ${a.hint}`);
  if (!resolved && a.evidence.length) lines.push('Evidence:', ...a.evidence.map((e) => `  - ${e.name}: ${e.value}`));
  if (!resolved && a.sparkline) lines.push(`Trend: ${a.sparkline.text} (${a.sparkline.caption})`);
  if (!resolved && a.promql) lines.push(`PromQL: ${a.promql}`);
  lines.push(`Pod ${a.pod}, target ${a.target}, rule ${a.rule}, via ${a.source}, since ${a.startsAt}`);
  lines.push(...a.links.map((l) => `${l.title}: ${l.url}`));
  return lines.join('\n');
}

/**
 * The exact PublishCommand input. The message is plain text, headline first (what an SMS shows), then one
 * section per alert; when it would pass 256 KB (attributes included), trailing alerts are dropped for a
 * "…and N more alerts" line, and a single oversized alert is cut by bytes.
 */
export function buildSnsPayload(n: Notification, topicArn: string): PublishCommandInput {
  const test = n.kind === 'test';
  const rules = [...new Set(n.alerts.map((a) => a.rule))].join(',');
  const attrs: Record<string, MessageAttributeValue> = {
    severity: { DataType: 'String', StringValue: n.severity },
    rule: { DataType: 'String', StringValue: truncate(rules || 'none', 256) },
    status: { DataType: 'String', StringValue: test ? 'test' : n.status },
  };
  const attrBytes = Object.entries(attrs).reduce((t, [k, v]) => t + enc(k) + enc(v.DataType ?? '') + enc(v.StringValue ?? ''), 0);
  const budget = LIMITS.message.max - attrBytes;
  const title = test ? markTest(n.title) : n.title;
  const headline = [title, test ? 'Wiring test from pooler-watch: no action needed.' : `${n.status.toUpperCase()} | ${n.severity} | ${n.createdAt}`];
  let message = headline.join('\n');
  const reserve = enc(`\n\n…and ${n.alerts.length} more alerts`);
  for (const [i, a] of n.alerts.entries()) {
    const next = `${message}\n\n${section(a)}`;
    if (enc(next) + reserve <= budget) {
      message = next;
      continue;
    }
    if (i === 0) message = truncate(next, { ...LIMITS.message, max: budget - reserve });
    const hidden = n.alerts.length - (i === 0 ? 1 : i);
    if (hidden > 0) message += `\n\n…and ${hidden} more alert${hidden === 1 ? '' : 's'}`;
    break;
  }
  return {
    TopicArn: topicArn,
    Subject: snsSubject(title),
    Message: truncate(message, { ...LIMITS.message, max: budget }),
    MessageAttributes: attrs,
    // A FIFO topic refuses a publish without these (400, not retried): one group per receiver, deduplicated by id.
    ...fifoFields(topicArn, n.receiver, n.id),
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'KMSThrottlingException', 'TooManyRequestsException']);

interface SdkError {
  name?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

/**
 * SDK error → ChannelError. Only the error's name (an identifier like `InvalidParameterException`) goes into
 * the reason: the SDK's message can quote the topic ARN or the request. No `cause` for the same reason.
 */
export function toChannelError(err: unknown, timedOut: boolean, now: number): ChannelError {
  const e = (err ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  const name = typeof e.name === 'string' && /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(e.name) ? e.name : 'SNS error';
  if (status === undefined) {
    const code = typeof e.code === 'string' && NETWORK_CODES.has(e.code) ? e.code : undefined;
    const reason = timedOut || name === 'TimeoutError' ? 'timeout' : name === 'AbortError' ? 'aborted' : (code ?? name);
    const retryable = timedOut || code !== undefined || ['TimeoutError', 'AbortError'].includes(name) || e.$fault === 'server';
    return new ChannelError({ channel: 'sns', reason, retryable });
  }
  const verdict = classifyStatus(status);
  // A 2xx the SDK could not parse: SNS may or may not have taken the message; a duplicate email beats a lost page.
  if (verdict === 'ok') return new ChannelError({ channel: 'sns', status, reason: 'unparseable response', retryable: true });
  const retryable = verdict === 'retry' || THROTTLING.has(name);
  const retryAfterMs = parseRetryAfter(e.$response?.headers?.['retry-after'], now);
  const reason = name === 'Error' || name === 'SNS error' ? `HTTP ${status}` : name;
  return new ChannelError({ channel: 'sns', status, reason, retryable, retryAfterMs });
}

/** Test seams: fake static credentials or a ready client, so tests never reach AWS or the credential chain. */
export interface SnsChannelOptions {
  credentials?: SNSClientConfig['credentials'];
  client?: SNSClient;
}

export async function createSnsChannel(name: string, config: SnsConfig, deps: ChannelDeps, options: SnsChannelOptions = {}): Promise<Channel> {
  const client =
    options.client ??
    new SNSClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Retries live in one place (the delivery layer), not also inside the SDK.
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: config.timeoutMs ?? DEFAULT_CHANNEL_TIMEOUT_MS, throwOnRequestTimeout: true },
    });
  return {
    type: 'sns',
    name,
    async send(notification: Notification, ctx: SendContext) {
      const input = buildSnsPayload(notification, config.topicArn);
      const budget = callTimeout(config.timeoutMs, ctx);
      const abort = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, budget);
      const onAbort = () => abort.abort();
      if (ctx.signal.aborted) abort.abort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const out = await client.send(new PublishCommand(input), { abortSignal: abort.signal });
        return out.MessageId ? { messageId: out.MessageId } : undefined;
      } catch (err) {
        throw toChannelError(err, timedOut, deps.now());
      } finally {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
