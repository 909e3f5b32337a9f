/**
 * Changes written outside request steps published from DynamoDB Streams: the consents, disclosures
 * and subscriptions tables stream new and old images (no other table streams), one mapping per table
 * feeds the stream worker with retries, bisection and the workers' failure queue as on-failure
 * destination, whose alarm reaches the alarm topic; the worker may only read those streams and put
 * events on the stack's bus.
 */
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { REPO_ROOT } from '../../infra/stage-config';
import { STREAMED_TABLES } from '../../shared/domain/change-events';
import { REPORT_STREAMS } from '../../shared/domain/reports/aggregate';
import { TABLES } from '../../shared/resources';
import type { Json } from '../helpers/json';

const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;

let built: ReturnType<typeof buildApp>;
let resources: Record<string, { Type: string; Properties: Record<string, Json> }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (ref: Json): string => ref?.['Fn::GetAtt']?.[0] ?? ref?.Ref;
const tableIdOf = (key: keyof typeof TABLES) => {
  const found = ofType('AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith(`Data${TABLES[key].id}`));
  expect(found, key).toBeDefined();
  return found!;
};
const streamWorker = () => {
  const found = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('WorkersPublishChangesFunction'));
  expect(found).toBeDefined();
  return found!;
};

beforeAll(() => {
  built = buildApp(new App({ context: { ...context, stage: 'prod', 'aws:cdk:bundling-stacks': [] } }));
  resources = Template.fromStack(built.stack).toJSON().Resources;
});

describe('change streams in the stack', () => {
  it('streams new and old images of the consents, disclosures and subscriptions tables; of the others only the report streams', () => {
    const streaming = ofType('AWS::DynamoDB::GlobalTable')
      .filter(([, r]) => r.Properties.StreamSpecification)
      .map(([id, r]) => [id, r.Properties.StreamSpecification.StreamViewType]);
    const views = Object.fromEntries(streaming);
    for (const key of STREAMED_TABLES) expect(views[tableIdOf(key)[0]], key).toBe('NEW_AND_OLD_IMAGES');
    // The report worker (test/infra/reports.test.ts) also reads the requests (old and new) and visits (new only) streams.
    const all = [...new Set([...STREAMED_TABLES, ...REPORT_STREAMS])];
    expect(streaming.map(([id]) => id).sort()).toEqual(all.map((k) => tableIdOf(k)[0]).sort());
  });

  it('feeds each stream to the worker from the oldest record, with retries, bisection and the failure queue (alarmed) on failure', () => {
    const [fnId] = streamWorker();
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, r]) => logicalIdOf(r.Properties.FunctionName) === fnId);
    expect(mappings).toHaveLength(STREAMED_TABLES.length);
    const failureQueues = new Set<string>();
    for (const [, { Properties: p }] of mappings) {
      expect(p).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 12 * 3600,
      });
      expect(STREAMED_TABLES.map((k) => tableIdOf(k)[0])).toContain(logicalIdOf(p.EventSourceArn));
      failureQueues.add(logicalIdOf(p.DestinationConfig.OnFailure.Destination));
    }
    // The workers' one failure queue, whose alarm reaches the alarm topic.
    expect([...failureQueues]).toEqual([built.stack.getLogicalId(built.stack.workers.failures.node.defaultChild as CfnElement)]);
    const [queueId] = [...failureQueues];
    expect(resources[queueId!]!.Type).toBe('AWS::SQS::Queue');
    const alarm = ofType('AWS::CloudWatch::Alarm').find(([, r]) => r.Properties.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] === queueId);
    expect(alarm, 'alarm on the failure queue').toBeDefined();
    expect(alarm![1].Properties.AlarmDescription).toMatch(/table changes/);
    expect(alarm![1].Properties.AlarmActions).toHaveLength(1);
    expect(resources[logicalIdOf(alarm![1].Properties.AlarmActions[0])]!.Type).toBe('AWS::SNS::Topic');
    // Never invoked asynchronously: no async retry configuration of its own.
    expect(ofType('AWS::Lambda::EventInvokeConfig').filter(([, r]) => logicalIdOf(r.Properties.FunctionName) === fnId)).toEqual([]);
  });

  it('lets the worker read only those streams, send failures only to its queue, and put events only on the bus; no table action', () => {
    const [fnId, fn] = streamWorker();
    const roleId = logicalIdOf(fn.Properties.Role);
    // A function's statements sit in its role (inline `Policies`) or in policies attached to it.
    const statements = [
      ...((resources[roleId]!.Properties.Policies ?? []) as Json[]).flatMap((p) => p.PolicyDocument.Statement as Json[]),
      ...ofType('AWS::IAM::Policy')
        .filter(([, r]) => r.Properties.Roles.some((role: Json) => logicalIdOf(role) === roleId))
        .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Json[]),
    ];
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    expect([...new Set(actions.filter((a) => a.startsWith('dynamodb:')))].sort()).toEqual(
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'].sort(),
    );
    const streamArns = statements
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')))
      .flatMap((s) => [s.Resource].flat().map((r: Json) => logicalIdOf(r)));
    expect([...new Set(streamArns)].sort()).toEqual(STREAMED_TABLES.map((k) => tableIdOf(k)[0]).sort());
    const putEvents = statements.find((s) => s.Action === 'events:PutEvents')!;
    expect(putEvents.Condition).toEqual({ StringEquals: { 'events:source': 'shop.privacy' } });
    expect([...new Set(actions.filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('xray:') && !a.startsWith('logs:')))].sort()).toEqual(
      ['events:PutEvents', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].sort(),
    );
    // The tables' names tell records apart; the bus name is where it publishes.
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining([...STREAMED_TABLES.map((k) => TABLES[k].envVar), 'EVENT_BUS_NAME']),
    );
    expect(fnId).toBeTruthy();
  });

  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Serverless', () => new ServerlessChecks()],
  ])('leaves nothing of the %s pack unacknowledged on the stream worker and its queue', (_name, pack) => {
    const report = pack().validateScope(built.stack);
    const paths = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(paths.filter((p) => /PublishChanges/.test(p))).toEqual([]);
  });
});
