/**
 * Events out in the stack: the bus, one rule per configured consumer (SQS, Lambda, HTTPS API
 * destination) matching only its event types, each with retries and a dead-letter queue whose alarm
 * notifies the alarm topic; functions that settle request effects may put events on this bus only.
 * Consumers come from the stage settings (cdk.json), as a deployment would give them.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { parseStageSettings, REPO_ROOT } from '../../infra/stage-config';
import { EVENT_SOURCE } from '../../shared/domain/events-out';
import type { Json } from '../helpers/json';

const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
const CONSUMERS = [
  {
    id: 'shop-backend',
    events: ['member.erasure_due', 'request.completed'],
    target: { kind: 'sqs', readerRoleArn: 'arn:aws:iam::123456789012:role/shop-backend' },
  },
  {
    id: 'newsletter',
    events: ['address.suppressed'],
    target: { kind: 'lambda', functionArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:newsletter-sync' },
    retries: 3,
  },
  {
    id: 'payments',
    events: ['member.erasure_due'],
    target: {
      kind: 'https',
      endpoint: 'https://payments.example.com/privacy-events',
      secretArn: 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:payments-key-AbCdEf',
    },
    maxEventAgeHours: 6,
  },
];

let built: ReturnType<typeof buildApp>;
let template: Template;
let resources: Record<string, { Type: string; Properties: Record<string, Json> }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const ruleFor = (consumer: string) => {
  const found = ofType('AWS::Events::Rule').find(([, r]) => String(r.Properties.Description).includes(`for ${consumer}:`));
  expect(found, consumer).toBeDefined();
  return found![1];
};
const logicalIdOf = (ref: Json): string => ref?.['Fn::GetAtt']?.[0] ?? ref?.Ref;

beforeAll(() => {
  const stages = { ...context.stages, prod: { ...context.stages.prod, eventConsumers: CONSUMERS } };
  built = buildApp(new App({ context: { ...context, stages, stage: 'prod', 'aws:cdk:bundling-stacks': [] } }));
  template = Template.fromStack(built.stack);
  resources = template.toJSON().Resources;
});

describe('events out: the bus and its consumers', () => {
  it('has the stack\u2019s own bus, named in an output', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const [busId] = ofType('AWS::Events::EventBus')[0]!;
    template.hasOutput('EventBusName', { Value: { Ref: busId } });
  });

  it('routes to each consumer only the event types it asked for, from this system\u2019s source', () => {
    for (const consumer of CONSUMERS) {
      const rule = ruleFor(consumer.id);
      expect(rule.Properties.EventPattern).toEqual({ source: [EVENT_SOURCE], 'detail-type': consumer.events });
      expect(logicalIdOf(rule.Properties.EventBusName)).toBe(ofType('AWS::Events::EventBus')[0]![0]);
    }
  });

  it('gives every consumer retries and a dead-letter queue of its own', () => {
    const dlqs = new Set<string>();
    for (const consumer of CONSUMERS) {
      const [target] = ruleFor(consumer.id).Properties.Targets as Json[];
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: consumer.retries ?? 8, MaximumEventAgeInSeconds: (consumer.maxEventAgeHours ?? 24) * 3600 });
      const dlq = logicalIdOf(target.DeadLetterConfig.Arn);
      expect(resources[dlq]?.Type).toBe('AWS::SQS::Queue');
      dlqs.add(dlq);
    }
    expect(dlqs.size).toBe(CONSUMERS.length);
  });

  it('raises an alarm to the alarm topic when a consumer\u2019s dead-letter queue holds an event', () => {
    const topic = ofType('AWS::SNS::Topic')[0]![0];
    for (const consumer of CONSUMERS) {
      const [target] = ruleFor(consumer.id).Properties.Targets as Json[];
      const dlqName = { 'Fn::GetAtt': [logicalIdOf(target.DeadLetterConfig.Arn), 'QueueName'] };
      const alarm = ofType('AWS::CloudWatch::Alarm').find(
        ([, a]) => JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: dlqName }]),
      );
      expect(alarm, consumer.id).toBeDefined();
      expect(alarm![1].Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });

  it('lets EventBridge (and only this consumer\u2019s rule) send to the consumer\u2019s queue, read by its role', () => {
    const [target] = ruleFor('shop-backend').Properties.Targets as Json[];
    const queueId = logicalIdOf(target.Arn);
    const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) => (p.Properties.Queues as Json[]).some((q) => q.Ref === queueId))![1];
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Condition: {
          ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Object.keys(resources).find((id) => resources[id] === ruleFor('shop-backend')), 'Arn'] } },
        },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { AWS: 'arn:aws:iam::123456789012:role/shop-backend' },
        Action: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
      }),
    );
    expect(resources[queueId]!.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: target.DeadLetterConfig.Arn, maxReceiveCount: 5 });
  });

  it('lets the rule invoke the configured function of this account', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: CONSUMERS[1]!.target.kind === 'lambda' ? (CONSUMERS[1]!.target as { functionArn: string }).functionArn : '',
      Principal: 'events.amazonaws.com',
    });
  });

  it('posts to an HTTPS endpoint through an API destination whose auth header comes from Secrets Manager', () => {
    template.hasResourceProperties('AWS::Events::ApiDestination', { InvocationEndpoint: 'https://payments.example.com/privacy-events', HttpMethod: 'POST' });
    const [, connection] = ofType('AWS::Events::Connection')[0]!;
    expect(connection.Properties.AuthorizationType).toBe('API_KEY');
    expect(JSON.stringify(connection.Properties.AuthParameters)).toContain(
      '{{resolve:secretsmanager:arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:payments-key-AbCdEf',
    );
  });

  it('lets exactly the functions that settle request effects put events, on this bus, as this system\u2019s source', () => {
    const busId = ofType('AWS::Events::EventBus')[0]![0];
    // Statements of plain policies and of the functions' own roles (inline `Policies`).
    const documents = [
      ...ofType('AWS::IAM::Policy').map(([, p]) => p.Properties.PolicyDocument),
      ...ofType('AWS::IAM::Role').flatMap(([, r]) => ((r.Properties.Policies ?? []) as Json[]).map((p) => p.PolicyDocument)),
    ];
    const statements = documents.flatMap((d) => (d.Statement as Json[]).filter((s) => s.Action === 'events:PutEvents'));
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });
      expect(s.Condition).toEqual({ StringEquals: { 'events:source': EVENT_SOURCE } });
    }
  });

  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Serverless', () => new ServerlessChecks()],
    ['HIPAA Security', () => new HIPAASecurityChecks()],
    ['NIST 800-53 rev 5', () => new NIST80053R5Checks()],
  ])('the %s pack finds nothing unacknowledged in the consumers', (_name, pack) => {
    const report = pack().validateScope(built.stack);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('events out: stage settings', () => {
  const prod = context.stages.prod;
  it('refuses a consumer of an event type that does not exist, naming the setting', () => {
    expect(() => parseStageSettings('prod', { ...prod, eventConsumers: [{ ...CONSUMERS[0], events: ['member.sold'] }] })).toThrow(
      /eventConsumers\.0\.events\.0/,
    );
  });
  it('refuses an HTTP (not HTTPS) endpoint and two consumers with one id', () => {
    const plain = { ...CONSUMERS[2], target: { ...CONSUMERS[2]!.target, endpoint: 'http://payments.example.com/x' } };
    expect(() => parseStageSettings('prod', { ...prod, eventConsumers: [plain] })).toThrow(/eventConsumers\.0\.target\.endpoint/);
    expect(() => parseStageSettings('prod', { ...prod, eventConsumers: [CONSUMERS[0], CONSUMERS[0]] })).toThrow(/unique/);
  });
});
