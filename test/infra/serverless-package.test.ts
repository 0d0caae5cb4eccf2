import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { redactHighEntropy } from '../../functions/core/sanitize/entropy.ts';
import { redactPatterns } from '../../functions/core/sanitize/patterns.ts';
import { HEARTBEAT_METRIC } from '../../functions/platform/aws/cloudwatch-metrics.ts';
import { PROBE_STATE_KEY } from '../../functions/platform/aws/deps.ts';
import { DynamoLedger } from '../../functions/platform/aws/dynamo-ledger.ts';
import { DynamoStateStore } from '../../functions/platform/aws/dynamo-state-store.ts';
import { SAMPLER_STATE_KEY } from '../../functions/platform/aws/sampler-logs-deps.ts';
import { samplerBatchKey } from '../../functions/core/sampler/index.ts';
import { TABLE_RESOURCE } from '../../functions/platform/aws/table.ts';
import { webhookMarker } from '../../functions/runtime/plan-jobs.ts';
import { startLocalDynamo } from '../platform/aws/local-dynamo.ts';

// `npm run package` (osls package --stage ci: offline, no credentials) once, then the CloudFormation template it
// wrote is checked: least-privilege roles, queues, alarms, events, runtime, and no secret anywhere.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, '.serverless');
const STAGE = 'ci';
const SERVICE = 'pooler-watch';

type Json = unknown;
interface Resource {
  Type: string;
  Properties: Record<string, Json>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Template {
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: Json }>;
  Conditions?: Record<string, Json>;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: Json;
  Condition?: Record<string, Record<string, Json>>;
}

let template: Template;

beforeAll(() => {
  const run = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  if (run.status !== 0) throw new Error(`npm run package failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  template = JSON.parse(readFileSync(join(OUT, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}, 180_000);

function resource(id: string, type?: string): Resource {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  if (type) expect(r.Type).toBe(type);
  return r;
}

function ofType(type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

const sub = (s: string) => ({ 'Fn::Sub': s });
const getAtt = (id: string, attr: string) => ({ 'Fn::GetAtt': [id, attr] });
const ref = (id: string) => ({ Ref: id });
const arn = (service: string, rest: string) => sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`);
const ownLogGroup = (fn: string): Statement => ({
  Sid: 'OwnLogGroup',
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: arn('logs', `log-group:/aws/lambda/${SERVICE}-${STAGE}-${fn}:*`),
});
const TABLE = getAtt('PoolerWatchTable', 'Arn');
const QUEUE = getAtt('DeliveryQueue', 'Arn');
const CONFIG = arn('ssm', `parameter/pooler-watch/${STAGE}/config`);
const SSM_SECRETS = arn('ssm', `parameter/pooler-watch/${STAGE}/secrets/*`);
const SM_SECRETS = arn('secretsmanager', `secret:pooler-watch/${STAGE}/secrets/*`);
const RECEIVER_SECRET = arn('secretsmanager', `secret:pooler-watch/${STAGE}/receiver-??????`);
const CI_SNS_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:pooler-watch-ci-pager';
const CI_AMP_WORKSPACE = 'arn:aws:aps:eu-west-1:123456789012:workspace/ws-0123abcd-4567-89ef-0123-456789abcdef';
const kmsIf = {
  'Fn::If': [
    'HasKmsKeys',
    {
      Sid: 'DecryptWithCustomerKeys',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [],
      Condition: { StringEquals: { 'kms:ViaService': [sub('ssm.${AWS::Region}.amazonaws.com'), sub('secretsmanager.${AWS::Region}.amazonaws.com')] } },
    },
    ref('AWS::NoValue'),
  ],
};
const readConfigAndSecrets: Statement[] = [
  { Sid: 'ReadConfigAndParameterSecrets', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: [CONFIG, SSM_SECRETS] },
  { Sid: 'ReadConfigSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: SM_SECRETS },
];

/** Every statement of a role, exactly (one inline policy per role, no managed policy). */
const EXPECTED_POLICIES: Record<string, Json[]> = {
  ProbeRole: [
    ownLogGroup('probe'),
    {
      Sid: 'StateItems',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['state#*'] } },
    },
    { Sid: 'EnqueueDeliveries', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: QUEUE },
    {
      Sid: 'PublishMetrics',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricData'],
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'PoolerWatch' } },
    },
    ...readConfigAndSecrets,
    {
      'Fn::If': [
        'HasAmpWorkspaces',
        { Sid: 'QueryAmpWorkspaces', Effect: 'Allow', Action: ['aps:QueryMetrics'], Resource: [CI_AMP_WORKSPACE] },
        ref('AWS::NoValue'),
      ],
    },
    kmsIf,
  ],
  AlertmanagerWebhookRole: [
    ownLogGroup('alertmanager-webhook'),
    { Sid: 'ReceiverCredentials', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: RECEIVER_SECRET },
    { Sid: 'ReadConfig', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: CONFIG },
    {
      Sid: 'WebhookMarkers',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sent#webhook%3A*'] } },
    },
    {
      Sid: 'WebhookMarkerClaims',
      Effect: 'Allow',
      Action: ['dynamodb:DeleteItem'],
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['claim#webhook%3A*'] } },
    },
    { Sid: 'EnqueueDeliveries', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: QUEUE },
    kmsIf,
  ],
  DispatchRole: [
    ownLogGroup('dispatch'),
    {
      Sid: 'ConsumeAndRequeueDeliveries',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility', 'sqs:SendMessage'],
      Resource: QUEUE,
    },
    { Sid: 'LedgerItems', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: TABLE },
    ...readConfigAndSecrets,
    {
      'Fn::If': [
        'HasSnsReceiverTopics',
        { Sid: 'PublishToReceiverTopics', Effect: 'Allow', Action: ['sns:Publish'], Resource: [CI_SNS_TOPIC] },
        ref('AWS::NoValue'),
      ],
    },
    kmsIf,
  ],
  SamplerLogsRole: [
    ownLogGroup('sampler-logs'),
    { Sid: 'ReadConfig', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: CONFIG },
    {
      Sid: 'SamplerMemo',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['state#sampler*'] } },
    },
    {
      Sid: 'SamplerMarkers',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sent#webhook%3Asampler%3A*'] } },
    },
    {
      Sid: 'SamplerMarkerClaims',
      Effect: 'Allow',
      Action: ['dynamodb:DeleteItem'],
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['claim#webhook%3Asampler%3A*'] } },
    },
    { Sid: 'EnqueueDeliveries', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: QUEUE },
    // Its on-failure destination: Lambda sends the record of a batch that failed every attempt with this role.
    { Sid: 'ParkFailedBatches', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: getAtt('SamplerLogsFailureQueue', 'Arn') },
    kmsIf,
  ],
};

const FUNCTIONS = {
  probe: { id: 'ProbeLambdaFunction', role: 'ProbeRole', timeout: 50, memory: 512 },
  'alertmanager-webhook': { id: 'AlertmanagerDashwebhookLambdaFunction', role: 'AlertmanagerWebhookRole', timeout: 10, memory: 256 },
  dispatch: { id: 'DispatchLambdaFunction', role: 'DispatchRole', timeout: 60, memory: 256 },
  'sampler-logs': { id: 'SamplerDashlogsLambdaFunction', role: 'SamplerLogsRole', timeout: 30, memory: 256 },
} as const;

/** Statements of a role with `Fn::If` unwrapped to its true branch (the one that may grant something). */
function statements(roleId: string): Statement[] {
  const policies = resource(roleId, 'AWS::IAM::Role').Properties.Policies as Array<{ PolicyDocument: { Statement: Json[] } }>;
  return policies.flatMap((p) => p.PolicyDocument.Statement).map((s) => {
    const cond = (s as { 'Fn::If'?: [string, Statement, Json] })['Fn::If'];
    return cond ? cond[1] : (s as Statement);
  });
}

describe('npm run package (osls, stage ci)', () => {
  it('writes one zip per function with its .mjs bundle and no source map', () => {
    for (const name of Object.keys(FUNCTIONS)) {
      const zip = join(OUT, `${name}.zip`);
      expect(existsSync(zip), zip).toBe(true);
      expect(statSync(zip).size).toBeGreaterThan(1_000);
      // Zip entry names are stored uncompressed in the local and central directory headers.
      const bytes = readFileSync(zip).toString('latin1');
      expect(bytes).toContain(`functions/${name}.mjs`);
      expect(bytes).not.toContain('.mjs.map');
      // Its own chunks only (esbuild-plugins.cjs chunks-per-function): what bench/bundles.ts measures.
      expect(bytes).toContain(`functions/${name}.chunks/`);
      for (const other of Object.keys(FUNCTIONS)) if (other !== name) expect(bytes).not.toContain(`functions/${other}.`);
    }
  });

  it('deploys four nodejs22.x arm64 functions, each with its own role and the contract environment', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns.map(([id]) => id).sort()).toEqual(Object.values(FUNCTIONS).map((f) => f.id).sort());
    expect(ofType('AWS::IAM::Role').map(([id]) => id).sort()).toEqual(Object.keys(EXPECTED_POLICIES).sort());
    for (const [name, f] of Object.entries(FUNCTIONS)) {
      const p = resource(f.id).Properties;
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Handler).toBe(`functions/${name}.handler`);
      expect(p.FunctionName).toBe(`${SERVICE}-${STAGE}-${name}`);
      expect(p.Timeout).toBe(f.timeout);
      expect(p.MemorySize).toBe(f.memory);
      expect(p.Role).toEqual(getAtt(f.role, 'Arn'));
      // Only sampler-logs is limited (one memo item, read-modify-written by every batch).
      expect(p.ReservedConcurrentExecutions, name).toBe(name === 'sampler-logs' ? 1 : undefined);
      expect((p.Environment as { Variables: Json }).Variables).toEqual({
        STAGE: STAGE,
        TABLE_NAME: ref('PoolerWatchTable'),
        QUEUE_URL: ref('DeliveryQueue'),
        CONFIG_PARAMETER: `/pooler-watch/${STAGE}/config`,
        METRICS_NAMESPACE: 'PoolerWatch',
        RECEIVER_SECRET_ID: `pooler-watch/${STAGE}/receiver`,
        LOG_LEVEL: 'debug',
      });
    }
    const logGroups = ofType('AWS::Logs::LogGroup').map(([, r]) => r.Properties);
    expect(logGroups.map((g) => g.LogGroupName).sort()).toEqual(Object.keys(FUNCTIONS).map((n) => `/aws/lambda/${SERVICE}-${STAGE}-${n}`).sort());
    for (const g of logGroups) expect(g.RetentionInDays).toBe(7);
  });

  describe('IAM: one role per function, exactly what it uses', () => {
    for (const [roleId, expected] of Object.entries(EXPECTED_POLICIES)) {
      it(`${roleId} grants exactly its statements`, () => {
        const props = resource(roleId, 'AWS::IAM::Role').Properties;
        expect(props.AssumeRolePolicyDocument).toEqual({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        });
        expect(props.ManagedPolicyArns).toBeUndefined();
        expect(props.PermissionsBoundary).toBeUndefined();
        const policies = props.Policies as Array<{ PolicyDocument: { Statement: Json[] } }>;
        expect(policies).toHaveLength(1);
        expect(policies[0]?.PolicyDocument.Statement).toEqual(expected);
      });
    }

    it('no wildcard action; `*` resources only for PutMetricData pinned to the namespace', () => {
      for (const roleId of Object.keys(EXPECTED_POLICIES)) {
        for (const s of statements(roleId)) {
          expect(s.Effect).toBe('Allow');
          const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
          for (const a of actions) expect(a, `${roleId} ${a}`).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
          const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
          if (resources.includes('*')) {
            expect(actions).toEqual(['cloudwatch:PutMetricData']);
            expect(s.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'PoolerWatch' } });
          }
          for (const r of resources) {
            const text = JSON.stringify(r);
            // Wildcards only as a prefix's tail (`…/secrets/*`, `…:*` of a log group, `-??????` of a secret name).
            expect(text, `${roleId} ${text}`).not.toMatch(/:\*:|::\*|table\/\*|log-group:\*|secret:\*|parameter\/\*|sns:\*|kms:\*/);
          }
        }
      }
      // The framework's shared role is not created: every function has its own.
      expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    });

    it('optional grants are conditional: sns:Publish and aps:QueryMetrics on the listed ARNs only, kms:Decrypt only with customer keys', () => {
      expect(template.Conditions?.HasSnsReceiverTopics).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': [',', [CI_SNS_TOPIC]] }, ''] }] });
      expect(template.Conditions?.HasKmsKeys).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': [',', []] }, ''] }] });
      expect(template.Conditions?.HasAmpWorkspaces).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': [',', [CI_AMP_WORKSPACE]] }, ''] }] });
      const queriers = Object.keys(EXPECTED_POLICIES).filter((id) => JSON.stringify(EXPECTED_POLICIES[id]).includes('aps:'));
      expect(queriers).toEqual(['ProbeRole']);
      const publishers = Object.keys(EXPECTED_POLICIES).filter((id) => statements(id).some((s) => JSON.stringify(s.Action).includes('sns:')));
      expect(publishers).toEqual(['DispatchRole']);
    });
  });

  it('the table is TABLE_RESOURCE, retained on stack deletion', () => {
    const table = resource('PoolerWatchTable', 'AWS::DynamoDB::Table');
    expect(table.Properties).toEqual(JSON.parse(JSON.stringify(TABLE_RESOURCE.Properties)));
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('the delivery queue redrives to the DLQ after 5 receives, outlives a dispatch batch, and is encrypted', () => {
    const queue = resource('DeliveryQueue', 'AWS::SQS::Queue').Properties;
    const dlq = resource('DeliveryDeadLetterQueue', 'AWS::SQS::Queue').Properties;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt('DeliveryDeadLetterQueue', 'Arn'), maxReceiveCount: 5 });
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * FUNCTIONS.dispatch.timeout);
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(dlq.RedrivePolicy).toBeUndefined();
  });

  describe('alarms go to the PoolerWatchAlarms topic', () => {
    const topic = [ref('PoolerWatchAlarms')];
    const alarm = (id: string) => {
      const p = resource(id, 'AWS::CloudWatch::Alarm').Properties;
      expect(p.AlarmActions).toEqual(topic);
      expect(p.OKActions).toEqual(topic);
      return p;
    };

    it('exactly four alarms, one topic, its ARN an output', () => {
      expect(ofType('AWS::CloudWatch::Alarm').map(([id]) => id).sort()).toEqual(['DeadLetterQueueDepthAlarm', 'ProbeDeadMansSwitchAlarm', 'ProbeErrorsAlarm', 'SamplerLogsErrorsAlarm']);
      expect(ofType('AWS::SNS::Topic').map(([id]) => id)).toEqual(['PoolerWatchAlarms']);
      expect(template.Outputs.AlarmTopicArn?.Value).toEqual(ref('PoolerWatchAlarms'));
    });

    it.each([
      ['ProbeErrorsAlarm', 'ProbeLambdaFunction'],
      ['SamplerLogsErrorsAlarm', 'SamplerDashlogsLambdaFunction'],
    ])('%s: AWS/Lambda Errors of its function >= 1 in any of the last 5 minutes', (id, fn) => {
      expect(alarm(id)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(fn) }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('DLQ depth: any visible message in the dead-letter queue', () => {
      expect(alarm('DeadLetterQueueDepthAlarm')).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt('DeliveryDeadLetterQueue', 'QueueName') }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it("dead man's switch: no ProbeRuns heartbeat (dimension Stage only) for 5 minutes is an alarm (missing data breaches)", () => {
      const p = alarm('ProbeDeadMansSwitchAlarm');
      // The heartbeat every probe run publishes, targets or none (probe-run.ts); a standard alarm on its one series.
      expect(p).toEqual(
        expect.objectContaining({
          Namespace: 'PoolerWatch',
          MetricName: HEARTBEAT_METRIC,
          Dimensions: [{ Name: 'Stage', Value: STAGE }],
          Statistic: 'SampleCount',
          Period: 60,
          EvaluationPeriods: 5,
          DatapointsToAlarm: 5,
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
        }),
      );
      expect(HEARTBEAT_METRIC).toBe('ProbeRuns');
      expect(p.Metrics).toBeUndefined();
    });
  });

  it('probe runs on an EventBridge schedule, rate(1 minute)', () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const p = rules[0]?.[1].Properties ?? {};
    expect(p.ScheduleExpression).toBe('rate(1 minute)');
    expect(p.State).toBe('ENABLED');
    expect((p.Targets as Array<{ Arn: Json }>).map((t) => t.Arn)).toEqual([getAtt('ProbeLambdaFunction', 'Arn')]);
  });

  it('alertmanager-webhook is the HTTP API route POST /alertmanager, and its URL is an output', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey)).toEqual(['POST /alertmanager']);
    const integrationId = ((routes[0]?.Target as { 'Fn::Join': [string, Json[]] })['Fn::Join'][1][1] as { Ref: string }).Ref;
    expect(resource(integrationId, 'AWS::ApiGatewayV2::Integration').Properties.IntegrationUri).toEqual(getAtt('AlertmanagerDashwebhookLambdaFunction', 'Arn'));
    expect(template.Outputs.HttpApiUrl).toBeDefined();
    expect(template.Outputs.AlertmanagerWebhookUrl?.Value).toEqual({ 'Fn::Join': ['', [getAtt('HttpApi', 'ApiEndpoint'), '/alertmanager']] });
  });

  it('dispatch consumes the delivery queue in batches of 10 with partial batch failures', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({
      EventSourceArn: QUEUE,
      FunctionName: getAtt('DispatchLambdaFunction', 'Arn'),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Enabled: true,
    });
  });

  it("sampler-logs is subscribed to the sampler's log group, filtered on the sampler's message, and may be invoked by CloudWatch Logs only", () => {
    const filters = ofType('AWS::Logs::SubscriptionFilter');
    expect(filters).toHaveLength(1);
    const [, filter] = filters[0]!;
    expect(filter.Properties).toEqual({
      LogGroupName: '/aws/containerinsights/codex-pooler/application',
      FilterPattern: '"memory sampler snapshot"',
      DestinationArn: getAtt('SamplerDashlogsLambdaFunction', 'Arn'),
    });
    const permissions = ofType('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes('SamplerDashlogs'));
    expect(permissions).toHaveLength(1);
    // Only CloudWatch Logs, and only for this log group, may invoke it.
    expect(permissions[0]![1].Properties).toEqual({
      FunctionName: getAtt('SamplerDashlogsLambdaFunction', 'Arn'),
      Action: 'lambda:InvokeFunction',
      Principal: { 'Fn::Join': ['', ['logs.', ref('AWS::Region'), '.amazonaws.com']] },
      SourceArn: { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':logs:', ref('AWS::Region'), ':', ref('AWS::AccountId'), ':log-group:', '/aws/containerinsights/codex-pooler/application', ':*']] },
    });
    expect(filters[0]![1].DependsOn).toEqual([permissions[0]![0]]);
  });

  it('sampler-logs runs one batch at a time; Lambda retries a failed one twice, keeps throttled ones up to 6 h, then parks it in its own queue', () => {
    // Concurrent batches would fight over the one memo item; a throttled async event is retried, not lost.
    expect(resource('SamplerDashlogsLambdaFunction').Properties.ReservedConcurrentExecutions).toBe(1);
    const configs = ofType('AWS::Lambda::EventInvokeConfig');
    expect(configs.map(([id]) => id)).toEqual(['SamplerDashlogsLambdaEvConf']);
    expect(configs[0]![1].Properties).toEqual({
      FunctionName: ref('SamplerDashlogsLambdaFunction'),
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: getAtt('SamplerLogsFailureQueue', 'Arn') } },
    });
    // Not the delivery DLQ (redriven into the delivery queue as jobs): its own, encrypted, kept 14 days.
    const queue = resource('SamplerLogsFailureQueue', 'AWS::SQS::Queue').Properties;
    expect(queue).toEqual({ QueueName: `${SERVICE}-${STAGE}-sampler-logs-failed`, MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    expect(template.Outputs.SamplerLogsFailureQueueUrl?.Value).toEqual(ref('SamplerLogsFailureQueue'));
  });

  it('outputs the table name and both queue URLs', () => {
    expect(template.Outputs.TableName?.Value).toEqual(ref('PoolerWatchTable'));
    expect(template.Outputs.DeliveryQueueUrl?.Value).toEqual(ref('DeliveryQueue'));
    expect(template.Outputs.DeadLetterQueueUrl?.Value).toEqual(ref('DeliveryDeadLetterQueue'));
  });

  it('no secret value anywhere in the template: only names and ARNs', () => {
    const text = readFileSync(join(OUT, 'cloudformation-template-update-stack.json'), 'utf8');
    for (const pattern of [
      /Bearer\s/i,
      /Basic\s+[A-Za-z0-9+/=]{8,}/,
      /\bsk-[A-Za-z0-9_-]{8,}/,
      /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
      /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      /\bxox[abprs]-/,
      /\bgh[pousr]_[A-Za-z0-9]{20,}/,
      /hooks\.slack\.com\/services\//,
      /(password|passwd|secret|token)["']?\s*[:=]\s*["'][^"'$]{6,}/i,
      // markers the test suite uses for secret values
      /whsec-|tok-secret|sim-token|pw-test-token|SHARED-SECRET|registered-secret/,
    ]) {
      expect(text, String(pattern)).not.toMatch(pattern);
    }
    // Every string value passes the product's own sanitizer unchanged (credential patterns + high-entropy runs).
    // Skipped: the framework's artifact keys (a timestamped S3 path) and CloudFormation logical ids (object keys).
    const leaves: Array<[string, string]> = [];
    const walk = (v: Json, path: string): void => {
      if (typeof v === 'string') leaves.push([path, v]);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(template, '$');
    const checked = leaves.filter(([path]) => !path.endsWith('.S3Key'));
    expect(checked.length).toBeGreaterThan(100);
    for (const [path, value] of checked) expect(redactHighEntropy(redactPatterns(value)), path).toBe(value);
    // Environment values are plain names or references, never a value fetched from a secret store.
    for (const f of Object.values(FUNCTIONS)) {
      const vars = (resource(f.id).Properties.Environment as { Variables: Record<string, Json> }).Variables;
      for (const [name, value] of Object.entries(vars)) {
        if (typeof value === 'string') expect(value, name).toMatch(/^[A-Za-z0-9/_.:-]{1,128}$/);
        else expect(Object.keys(value as object), name).toEqual(['Ref']);
      }
    }
  });

  describe('DynamoDB key conditions match what the real code writes (dynalite, every call checked against the role)', () => {
    /** IAM StringLike: `*` any run, `?` one character. */
    const like = (pattern: string, value: string): boolean =>
      new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);

    const allowed = (roleId: string, action: string, pk: string): boolean =>
      statements(roleId).some((s) => {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        if (!actions.includes(action) || JSON.stringify(s.Resource) !== JSON.stringify(TABLE)) return false;
        const keys = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[] | undefined;
        return keys === undefined || keys.some((k) => like(k, pk));
      });

    /** Runs `work` against dynalite and returns every (IAM action, partition key) it sent. */
    async function calls(work: (client: DynamoDBClient, table: string) => Promise<void>): Promise<Array<[string, string]>> {
      const local = await startLocalDynamo();
      try {
        const table = await local.table();
        const seen: Array<[string, string]> = [];
        local.client.middlewareStack.add(
          (next, context) => async (args) => {
            const input = args.input as { Key?: { pk?: { S?: string } }; Item?: { pk?: { S?: string } } };
            const pk = input.Key?.pk?.S ?? input.Item?.pk?.S ?? '';
            seen.push([`dynamodb:${String(context.commandName).replace(/Command$/, '')}`, pk]);
            return next(args);
          },
          { step: 'build', name: 'captureKeys' },
        );
        await work(local.client, table);
        return seen;
      } finally {
        await local.close();
      }
    }

    it('alertmanager-webhook: its idempotency marker (has + record) stays within WebhookMarkers/WebhookMarkerClaims', async () => {
      const seen = await calls(async (client, tableName) => {
        const ledger = new DynamoLedger({ client, tableName });
        const marker = webhookMarker('3f1c0a9e7b6d5c4b3a2910fedcba98765432100123456789abcdef0123456789');
        expect(await ledger.has(marker)).toBe(false);
        await ledger.record(marker);
        expect(await ledger.has(marker)).toBe(true);
      });
      expect(new Set(seen.map(([a]) => a))).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']));
      for (const [action, pk] of seen) expect(allowed('AlertmanagerWebhookRole', action, pk), `${action} ${pk}`).toBe(true);
      // ...and nothing else: a delivery's ledger entry is out of its reach.
      expect(allowed('AlertmanagerWebhookRole', 'dynamodb:PutItem', 'sent#job-1')).toBe(false);
      expect(allowed('AlertmanagerWebhookRole', 'dynamodb:PutItem', PROBE_STATE_KEY)).toBe(false);
    });

    it('sampler-logs: its memo (head and chunks) and its batch markers stay within its role, and nothing else is in reach', async () => {
      const seen = await calls(async (client, tableName) => {
        const store = new DynamoStateStore<{ blob: string }>({ client, tableName, key: SAMPLER_STATE_KEY, maxItemBytes: 1_024 });
        const noise = (seed: number) => Array.from({ length: 4_000 }, (_, i) => ((i * 7_919 + seed) % 65_521).toString(36)).join('');
        await store.update(() => ({ blob: noise(1) }));
        await store.update(() => ({ blob: noise(2) }));
        const ledger = new DynamoLedger({ client, tableName });
        const marker = webhookMarker(samplerBatchKey({ rule: 'sampler-threshold', pod: 'codex-pooler-worker-7d9f8c6b5-x2k4p', windowStart: Date.parse('2026-11-24T10:00:00Z') }));
        expect(await ledger.has(marker)).toBe(false);
        await ledger.record(marker);
        expect(await ledger.has(marker)).toBe(true);
      });
      expect(seen.some(([, pk]) => pk.includes('#chunk#'))).toBe(true);
      for (const [action, pk] of seen) expect(allowed('SamplerLogsRole', action, pk), `${action} ${pk}`).toBe(true);
      expect(allowed('SamplerLogsRole', 'dynamodb:PutItem', 'sent#job-1')).toBe(false);
      expect(allowed('SamplerLogsRole', 'dynamodb:PutItem', PROBE_STATE_KEY)).toBe(false);
      expect(allowed('SamplerLogsRole', 'dynamodb:PutItem', `sent#${encodeURIComponent(webhookMarker('3f1c0a9e7b6d'))}`)).toBe(false);
    });

    it('probe: its state (head and chunks, saved twice so old chunks are deleted) stays within StateItems', async () => {
      const seen = await calls(async (client, tableName) => {
        const store = new DynamoStateStore<{ blob: string }>({ client, tableName, key: PROBE_STATE_KEY, maxItemBytes: 1_024 });
        const noise = (seed: number) => Array.from({ length: 4_000 }, (_, i) => ((i * 7_919 + seed) % 65_521).toString(36)).join('');
        await store.save({ blob: noise(1) });
        await store.save({ blob: noise(2) });
        expect((await store.load())?.blob).toBe(noise(2));
      });
      expect(seen.some(([, pk]) => pk.includes('#chunk#'))).toBe(true);
      expect(seen.some(([a]) => a === 'dynamodb:DeleteItem')).toBe(true);
      for (const [action, pk] of seen) expect(allowed('ProbeRole', action, pk), `${action} ${pk}`).toBe(true);
      expect(allowed('ProbeRole', 'dynamodb:PutItem', 'sent#job-1')).toBe(false);
    });
  });
});
