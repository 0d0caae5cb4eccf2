#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Config, Duration, Target } from './config/schema.ts';
import { loadConfig, formatIssues } from './config/load.ts';
import { withPromqlDefaults } from './config/promql-source.ts';
import { AppError, ConfigError, ValidationError } from './platform/errors.ts';
import { createLogger } from './platform/logger.ts';
import { runParse } from './cli/parse-command.ts';
import { runDlqRedrive } from './cli/dlq-redrive.ts';
import { runIngestLogs } from './cli/ingest-logs.ts';
import { runConfigJson } from './cli/config-json.ts';
import { runDemo } from './runtime/demo.ts';
import { check, renderCheck, CHECK_EXIT } from './runtime/check.ts';
import { runLoop } from './runtime/run.ts';
import { record } from './runtime/record.ts';
import { replay } from './runtime/replay.ts';
import { notifyTest } from './runtime/notify-test.ts';
import { Notifier } from './runtime/notifier.ts';
import { redrive } from './platform/delivery/index.ts';
import { jsonlEventSink, streamEventSink, type TransitionSink } from './runtime/sinks.ts';
import { redactText } from './platform/redact.ts';

const USAGE = `pooler-watch — OOM-risk watchdog for Codex Pooler

Usage:
  pooler-watch demo [--events FILE] [--pace MS]
  pooler-watch check --target URL [--federate | --promql] [--name NAME] [--token-file F | --token-env VAR] [--config FILE] [--json]
  pooler-watch run --config FILE [--events FILE] [--rounds N]
  pooler-watch record (--config FILE | --target URL [--federate | --promql] [--token-file F | --token-env VAR]) --out FILE [--count N] [--interval 10s]
  pooler-watch replay FILE|- [--config FILE]
  pooler-watch parse [--format text|openmetrics] < exposition
  pooler-watch notify-test --config FILE --receiver NAME
  pooler-watch redrive --config FILE [--receiver NAME] [--id ID ...]
  pooler-watch redrive --dlq QUEUE_URL|ARN --to QUEUE_URL|ARN [--region R] [--max N]
  pooler-watch ingest-logs FILE|- [--config FILE] [--json] [--strict] [--dry-run]
  pooler-watch config-json --config FILE

Exit codes: 0 ok; check: 1 warning, 2 critical, 3 usage/config error; others: 1 failure, 2 usage/config error.
`;

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const TARGET_FLAGS = {
  target: { type: 'string' },
  federate: { type: 'boolean', default: false },
  /** `--target` is a Prometheus HTTP API base (instant queries, bearer token if given). */
  promql: { type: 'boolean', default: false },
  name: { type: 'string' },
  'token-file': { type: 'string' },
  'token-env': { type: 'string' },
  config: { type: 'string' },
} satisfies ParseArgsConfig['options'];

/** Builds a config from `--config` or from `--target` flags (one target; `--federate` switches the kind). */
async function configFromFlags(values: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Config> {
  const base = values.config ? await loadConfig(String(values.config)) : undefined;
  if (!values.target) {
    if (base) return base;
    throw new UsageError('give --config FILE or --target URL');
  }
  const token = values['token-file'] ? { file: String(values['token-file']) } : values['token-env'] ? { env: String(values['token-env']) } : undefined;
  const federate = Boolean(values.federate);
  const promql = Boolean(values.promql);
  if (federate && promql) throw new UsageError('give --federate or --promql, not both');
  const target = {
    name: values.name ? String(values.name) : federate || promql ? 'prometheus' : 'target',
    kind: federate ? 'federate' : promql ? 'promql' : 'metrics',
    url: String(values.target),
    ...(token ? { token } : {}),
  };
  const parsedTarget = Target.safeParse(target);
  if (!parsedTarget.success) throw new UsageError(formatIssues(parsedTarget.error));
  // A loaded config is already validated output: swap its targets rather than re-parsing it.
  if (base) {
    const interval = extra.interval === undefined ? undefined : Duration.safeParse(extra.interval);
    if (interval && !interval.success) throw new UsageError(`--interval: ${formatIssues(interval.error)}`);
    // Default queries are written out at config parse time; a swapped-in target gets them from this config's names.
    const swapped = withPromqlDefaults(parsedTarget.data, base.metricNames, base.selectors);
    return { ...base, ...(interval ? { interval: interval.data } : {}), targets: [swapped] };
  }
  const parsed = Config.safeParse({ ...extra, targets: [target] });
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error));
  return parsed.data;
}

class UsageError extends Error {}

async function demo(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { events: { type: 'string' }, pace: { type: 'string' } } });
  const sinks: TransitionSink[] = values.events ? [jsonlEventSink(values.events)] : [];
  const summary = await runDemo({ out: io.stdout, sinks, paceMs: values.pace ? Number(values.pace) : 0 });
  return summary.ok ? 0 : 1;
}

async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { ...TARGET_FLAGS, json: { type: 'boolean', default: false } } });
  const config = await configFromFlags(values);
  const report = await check(config, io.env);
  io.stdout.write(redactText(values.json ? JSON.stringify(report, null, 2) + '\n' : renderCheck(report)));
  return report.exitCode;
}

async function runCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, events: { type: 'string' }, rounds: { type: 'string' } } });
  if (!values.config) throw new UsageError('run needs --config FILE');
  const config = await loadConfig(values.config);
  const logger = createLogger({ stream: io.stderr });
  const sinks: TransitionSink[] = values.events ? [jsonlEventSink(values.events)] : [];
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runLoop({ config, sinks, logger, out: io.stdout, signal: stop.signal, rounds: values.rounds ? positiveInt(values.rounds, '--rounds') : undefined, env: io.env });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}

async function recordCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { ...TARGET_FLAGS, out: { type: 'string' }, count: { type: 'string' }, interval: { type: 'string' } } });
  if (!values.out) throw new UsageError('record needs --out FILE');
  const config = await configFromFlags(values, values.interval ? { interval: values.interval } : {});
  const logger = createLogger({ stream: io.stderr });
  const { recorded, failed } = await record({ config, out: values.out, count: values.count ? positiveInt(values.count, '--count') : 1, logger });
  io.stderr.write(`recorded ${recorded} scrapes to ${values.out}${failed ? `, ${failed} failed` : ''}\n`);
  return failed > 0 && recorded === 0 ? 1 : 0;
}

async function replayCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' } } });
  const file = positionals[0];
  if (!file) throw new UsageError('replay needs a recording FILE (or - for stdin)');
  const config = values.config
    ? await loadConfig(values.config)
    : Config.parse({ targets: [{ name: 'recorded', url: 'http://127.0.0.1/metrics' }] });
  const result = await replay(file === '-' ? (io.stdin as never) : file, config, [streamEventSink(io.stdout)], (lineNo, reason) =>
    io.stderr.write(`${file}:${lineNo}: ${reason}\n`),
  );
  io.stderr.write(`replayed ${result.scrapes} scrapes in ${result.rounds} rounds${result.badLines ? `, ${result.badLines} bad lines` : ''}\n`);
  return result.badLines > 0 ? 1 : 0;
}

async function notifyTestCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, receiver: { type: 'string' } } });
  if (!values.config || !values.receiver) throw new UsageError('notify-test needs --config FILE and --receiver NAME');
  const config = await loadConfig(values.config);
  const logger = createLogger({ stream: io.stderr, level: 'warn' });
  const r = await notifyTest(config, values.receiver, { logger, env: io.env, out: io.stdout });
  io.stdout.write(
    r.ok
      ? `sent a test notification to ${r.receiver} (${r.channel}) in ${r.durationMs} ms, ${r.attempts} attempt(s)\n`
      : `FAILED: ${r.receiver} (${r.channel}): ${r.reason} after ${r.attempts} attempt(s)\n`,
  );
  return r.ok ? 0 : 1;
}

async function redriveCommand(args: string[], io: Io): Promise<number> {
  // On AWS the dead letters live in the SQS DLQ; locally in <state.dir>/dead-letter.jsonl.
  if (args.includes('--dlq')) return runDlqRedrive(args, io);
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, receiver: { type: 'string' }, id: { type: 'string', multiple: true } } });
  if (!values.config) throw new UsageError('redrive needs --config FILE');
  const config = await loadConfig(values.config);
  const logger = createLogger({ stream: io.stderr });
  const notifier = await Notifier.create({ config, logger, env: io.env, out: io.stdout });
  const moved = await redrive(notifier.outbox.deadLetterPath, (jobs) => notifier.outbox.enqueue(jobs), {
    ...(values.receiver ? { receiver: values.receiver } : {}),
    ...(values.id ? { ids: values.id } : {}),
  });
  const drained = await notifier.drain();
  io.stdout.write(
    `redrove ${moved.redriven.length} dead letters (${moved.remaining} left${moved.bad.length ? `, ${moved.bad.length} unreadable lines kept` : ''}); ` +
      `sent ${drained.sent.length}, dead-lettered again ${drained.deadLettered.length}\n`,
  );
  return drained.deadLettered.length > 0 ? 1 : 0;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer`);
  return n;
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  demo,
  check: checkCommand,
  run: runCommand,
  record: recordCommand,
  replay: replayCommand,
  parse: (args, io) => runParse(args, io),
  'notify-test': notifyTestCommand,
  redrive: redriveCommand,
  'ingest-logs': (args, io) => runIngestLogs(args, io),
  'config-json': (args, io) => runConfigJson(args, io),
};

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  const usageCode = command === 'check' ? CHECK_EXIT.unknown : 2;
  if (!run) {
    io.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(args, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`pooler-watch ${command}: ${(err as Error).message}\n`);
      return usageCode;
    }
    if (err instanceof AppError) {
      io.stderr.write(`pooler-watch ${command}: ${err.message}\n`);
      return err instanceof ConfigError || err instanceof ValidationError ? usageCode : 1;
    }
    throw err;
  }
}

/** The process's command line through {@link main}; its exit code becomes the process's. bin/pooler-watch.js calls it. */
export function runCli(): Promise<void> {
  return main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // An unexpected error: report its kind and message only; the message never carries secrets (they never enter errors).
      process.stderr.write(`pooler-watch: unexpected ${(err as Error)?.name ?? 'error'}: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void runCli();
