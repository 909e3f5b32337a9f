/**
 * Compliance of the synthesised stack: all four cdk-nag packs (AwsSolutions, Serverless, HIPAA
 * Security, NIST 800-53 rev 5) find nothing unacknowledged, every acknowledgement carries a reason,
 * every alarm notifies the encrypted alarm topic, logs are encrypted with the stack's key, and the
 * buckets holding personal data are versioned without keeping old versions long.
 * Bundling is skipped (context `aws:cdk:bundling-stacks: []`): these tests read the template only.
 */
import { App, CfnResource, Duration, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { NONCURRENT_VERSION_DAYS } from '../../infra/constructs/data';
import { PrivacyStack } from '../../infra/stack';
import { parseStageSettings, REPO_ROOT } from '../../infra/stage-config';
import { BUCKETS, QUEUES, TABLES } from '../../shared/resources';
import type { Json } from '../helpers/json';

const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

type Resource = { Type: string; Properties: Record<string, Json> };
let built: ReturnType<typeof buildApp>;
let template: Template;
let resources: Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const onlyOne = (type: string) => {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

beforeAll(() => {
  built = buildApp(new App({ context: { ...context, ...NO_BUNDLING, stage: 'prod' } }));
  template = Template.fromStack(built.stack);
  resources = template.toJSON().Resources;
});

describe('compliance: cdk-nag', () => {
  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Serverless', () => new ServerlessChecks()],
    ['HIPAA Security', () => new HIPAASecurityChecks()],
    ['NIST 800-53 rev 5', () => new NIST80053R5Checks()],
  ])('the %s pack finds nothing unacknowledged', (_name, pack) => {
    const report = pack().validateScope(built.stack);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('passes CloudFormation\u2019s own schema check with its errors failing the synth', () => {
    const strict = new App({
      builtinCloudFormationValidation: true,
      context: { ...context, ...NO_BUNDLING, stage: 'prod', '@aws-cdk/core:validateAgainstDefaultRules': true },
    });
    buildApp(strict);
    expect(() => strict.synth()).not.toThrow();
  });

  it('fails that schema check on a malformed resource (the check above can fail)', () => {
    const strict = new App({
      builtinCloudFormationValidation: true,
      context: { ...context, ...NO_BUNDLING, stage: 'prod', '@aws-cdk/core:validateAgainstDefaultRules': true },
    });
    const { stack } = buildApp(strict);
    new CfnResource(stack, 'MalformedQueue', { type: 'AWS::SQS::Queue', properties: { VisibilityTimeout: 'soon', NoSuchProperty: true } });
    expect(() => strict.synth()).toThrow();
  });

  it('runs all four packs on every synth of the app', () => {
    // Proof by failure: a finding none of the acknowledgements covers makes the app's synth throw.
    const app = new App({ context: { ...context, ...NO_BUNDLING, stage: 'prod' } });
    const { stack } = buildApp(app);
    new Alarm(stack, 'UnwiredAlarm', { metric: new Metric({ namespace: 'Test', metricName: 'Test' }), threshold: 1, evaluationPeriods: 1 });
    expect(() => app.synth()).toThrow(/HIPAA\.Security-CloudWatchAlarmAction|NIST\.800\.53\.R5-CloudWatchAlarmAction/);
  });

  it('acknowledges findings only on resource-level constructs, each with a written reason', () => {
    const acks: { path: string; id: string; reason: string }[] = [];
    for (const node of [built.app, ...built.app.node.findAll()]) {
      for (const entry of node.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acks.push({ path: node.node.path, id, reason: String(reason) });
      }
    }
    const packs = ['AwsSolutions-', 'Serverless-', 'HIPAA.Security-', 'NIST.800.53.R5-'];
    for (const pack of packs)
      expect(
        acks.some((a) => a.id.includes(pack)),
        `${pack} acknowledgements`,
      ).toBe(true);
    for (const ack of acks) {
      expect(ack.path === '' || ack.path === built.stack.node.path, `${ack.id} sits on ${ack.path || 'the app'}`).toBe(false);
      expect(ack.reason.trim().length, `${ack.id} at ${ack.path} needs a real reason`).toBeGreaterThan(30);
    }
  });

  it('fixes, rather than acknowledges, unencrypted logs, alarms without actions and unversioned data buckets', () => {
    const acks = built.app.node
      .findAll()
      .flatMap((n) =>
        n.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.keys(m.data as Record<string, string>).map((id) => `${id} at ${n.node.path}`)),
      );
    expect(acks.filter((a) => /CloudWatchLogGroupEncrypted|CloudWatchAlarmAction/.test(a))).toEqual([]);
    // Point-in-time recovery is left off only where a restore would bring erased data back.
    for (const a of acks.filter((x) => /DynamoDBPITR|DDB3/.test(x))) expect(a).toMatch(new RegExp(`/Data/${TABLES.visits.id}$`));
    const versioning = acks.filter((a) => a.includes('S3BucketVersioningEnabled'));
    expect(versioning.length).toBeGreaterThan(0);
    for (const a of versioning) expect(a).toMatch(/\/Data\/AccessLogs$/);
  });
});

describe('compliance: alarms', () => {
  it('has an SNS topic encrypted with its own rotating KMS key that CloudWatch alarms of this account may use', () => {
    const [keyId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::KMS::Key' && JSON.stringify(r).includes('cloudwatch.amazonaws.com'))!;
    const [, topic] = onlyOne('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('refuses publishing without TLS and lets only this account\u2019s CloudWatch alarms publish as a service', () => {
    const [topicId] = onlyOne('AWS::SNS::Topic');
    const [, policy] = onlyOne('AWS::SNS::TopicPolicy');
    expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(JSON.stringify(allows[0].Condition.ArnLike)).toContain(':alarm:*');
  });

  it('makes every alarm of the stack notify the alarm topic', () => {
    const [topicId] = onlyOne('AWS::SNS::Topic');
    const alarms = ofType('AWS::CloudWatch::Alarm');
    // The dead-letter alarm of each queue and the workers' failure-queue alarm, at least.
    expect(alarms.length).toBeGreaterThanOrEqual(Object.keys(QUEUES).length + 1);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toContainEqual({ Ref: topicId });
      expect(alarm.Properties.ActionsEnabled, id).not.toBe(false);
    }
  });

  it('subscribes the stage\u2019s alarm subscribers by e-mail and exports the topic ARN', () => {
    const [topicId] = onlyOne('AWS::SNS::Topic');
    const subscriptions = ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions).toEqual(built.settings.alarmSubscribers.map((address) => ({ Protocol: 'email', Endpoint: address, TopicArn: { Ref: topicId } })));
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toEqual({ Ref: topicId });
  });

  it('subscribes HTTPS endpoints and phone numbers with their own protocol', () => {
    const settings = parseStageSettings('prod', {
      ...context.stages.prod,
      alarmSubscribers: ['ops@shop.example.com', 'https://hooks.example.com/alarms', '+66812345678'],
    });
    const stack = new PrivacyStack(new App({ context: NO_BUNDLING }), 'Kinds', { settings, routes: [] });
    const protocols = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription')).map((s: Json) => [
      s.Properties.Protocol,
      s.Properties.Endpoint,
    ]);
    expect(protocols).toEqual([
      ['email', 'ops@shop.example.com'],
      ['https', 'https://hooks.example.com/alarms'],
      ['sms', '+66812345678'],
    ]);
  });

  it('fails the synth of an alarm a later construct adds without the alarm topic', () => {
    const settings = parseStageSettings('prod', context.stages.prod);
    const stack = new PrivacyStack(new App({ context: NO_BUNDLING }), 'Later', { settings, routes: [] });
    new Alarm(stack, 'LaterAlarm', {
      metric: new Metric({ namespace: 'Test', metricName: 'Test', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    stack.alerts.alarm(stack, 'WiredAlarm', { metric: new Metric({ namespace: 'Test', metricName: 'Test' }), threshold: 1, evaluationPeriods: 1 });
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('notifies no one'));
    expect(errors.map((e) => e.id)).toEqual(['/Later/LaterAlarm/Resource']);
  });

  it('rejects a stage without alarm subscribers, or with a plain-HTTP endpoint', () => {
    expect(() => parseStageSettings('prod', { ...context.stages.prod, alarmSubscribers: [] })).toThrow(/alarmSubscribers/);
    expect(() => parseStageSettings('prod', { ...context.stages.prod, alarmSubscribers: ['http://hooks.example.com/alarms'] })).toThrow(/alarmSubscribers/);
    const { alarmSubscribers: _, ...without } = context.stages.prod;
    expect(() => parseStageSettings('prod', without)).toThrow(/alarmSubscribers/);
  });
});

describe('compliance: logs', () => {
  it('encrypts every log group with the one logs key, which CloudWatch Logs of this account and region may use', () => {
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(1);
    const keyIds = new Set(logGroups.map(([, g]) => JSON.stringify(g.Properties.KmsKeyId)));
    expect(keyIds.size).toBe(1);
    const keyId = JSON.parse([...keyIds][0]!)['Fn::GetAtt'][0] as string;
    const key = resources[keyId]!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const logsStatement = (key.Properties.KeyPolicy.Statement as Json[]).find((s) => JSON.stringify(s.Principal).includes('logs.'));
    expect(logsStatement.Principal.Service).toEqual({ 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] });
    expect(JSON.stringify(logsStatement.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toContain(':log-group:*');
    expect(logsStatement.Action).toEqual(expect.arrayContaining(['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*']));
  });
});

describe('compliance: buckets', () => {
  it.each(Object.values(BUCKETS).map((b) => [b.id, b] as const))(
    'versions the %s bucket and expires old versions and delete markers, so erasure still completes',
    (id, def) => {
      const [, bucket] = Object.entries(resources).find(([logicalId, r]) => r.Type === 'AWS::S3::Bucket' && logicalId.startsWith(`Data${id}`))!;
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
        { ExpirationInDays: def.expireAfterDays, NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS }, Status: 'Enabled' },
        { ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
      ]);
    },
  );

  it('keeps point-in-time recovery on every table but the one whose definition says why a restore would harm (visits)', () => {
    const withoutRestore = Object.values(TABLES)
      .filter((t) => 'noPointInTimeRecoveryBecause' in t)
      .map((t) => t.id);
    expect(withoutRestore).toEqual([TABLES.visits.id]);
    for (const [id, table] of ofType('AWS::DynamoDB::GlobalTable')) {
      const enabled = !withoutRestore.some((t) => id.startsWith(`Data${t}`));
      for (const replica of table.Properties.Replicas) expect(replica.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: enabled });
    }
  });
});
