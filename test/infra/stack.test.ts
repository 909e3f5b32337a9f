import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { REPO_ROOT } from '../../infra/stage-config';
import { TABLES, type TableDef } from '../../shared/resources';
import { ROUTES, routeKey, servedByApiGateway, type FunctionUses } from '../../shared/routes';
import { WORKERS } from '../../shared/workers';
import { STAFF_PASSWORD_POLICY, STAFF_TOKEN_VALIDITY } from '../../shared/staff-pool';
import { BUCKETS } from '../../shared/resources';
import type { Json } from '../helpers/json';

// These tests assert resources, not code: functions get placeholder code instead of bundles (the
// CDK's own switch for skipping bundling). test/infra/synth-cli.test.ts checks a real bundled synth.
const context = { ...JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context, 'aws:cdk:bundling-stacks': [] };
let built: ReturnType<typeof buildApp>;
let template: Template;

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const policiesOf = (fnLogicalId: string): Statement[] => {
  const fn = template.toJSON().Resources[fnLogicalId];
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  // A function's statements sit in its role (FunctionRole's inline `Policies`) or in policies attached to it.
  const inline = (template.toJSON().Resources[roleId].Properties.Policies ?? []).flatMap((p: Json) => p.PolicyDocument.Statement);
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: Json) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
    .flatMap((p: Json) => p.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
};
const ALL_FUNCTIONS: { id: string; scope: 'Http' | 'Workers'; uses: FunctionUses; streams?: number }[] = [
  ...ROUTES.map((r) => ({ id: r.id, scope: 'Http' as const, uses: r.uses })),
  ...WORKERS.map((w) => ({ id: w.id, scope: 'Workers' as const, uses: w.uses, streams: w.trigger.kind === 'stream' ? w.trigger.tables.length : 0 })),
];
/** What an event source mapping grants per stream it reads (change-streams.test.ts checks the resources). */
const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
const functionIdFor = (id: string) => {
  const scope = ALL_FUNCTIONS.find((f) => f.id === id)!.scope;
  return Object.entries(template.findResources('AWS::Lambda::Function')).find(([logical]) =>
    logical.startsWith(`${scope}${id[0]!.toUpperCase()}${id.slice(1)}Function`),
  )![0];
};
/** The stack's own functions: not aws-cdk-lib's deploy-time handler that copies the console into its bucket. */
const ownFunctions = () =>
  Object.fromEntries(Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => !id.startsWith('CustomCDKBucketDeployment')));
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

/** Two joint-marketing partners, so the per-partner secrets and their grants are in the template. */
const PARTNERS = [
  { id: 'travel-partner', principalArn: 'arn:aws:iam::123456789012:role/travel-partner-checks' },
  { id: 'bank-partner', principalArn: 'arn:aws:iam::123456789012:role/partners/bank-partner-checks' },
];

beforeAll(() => {
  const stages = { ...context.stages, prod: { ...context.stages.prod, partners: PARTNERS } };
  built = buildApp(new App({ context: { ...context, stages, stage: 'prod' } }));
  template = Template.fromStack(built.stack);
});

describe('stack: data', () => {
  it('has one table per definition, on demand, with KMS encryption, and point-in-time recovery and table class as the definition says', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(TABLES).length);
    template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    for (const def of Object.values(TABLES) as TableDef[]) {
      const [, table] = Object.entries(tables).find(([id]) => id.startsWith(`Data${def.id}`))!;
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification, def.id).toEqual({
        PointInTimeRecoveryEnabled: def.noPointInTimeRecoveryBecause === undefined,
      });
      expect(table.Properties.Replicas[0].TableClass, def.id).toBe(def.infrequentAccessBecause ? 'STANDARD_INFREQUENT_ACCESS' : undefined);
    }
  });

  it('builds the consents table keyed by visitor, with no member index: member links come only from the storefront backend', () => {
    const [, consents] = Object.entries(template.findResources('AWS::DynamoDB::GlobalTable')).find(([id]) => id.includes(TABLES.consents.id)) ?? [];
    expect(consents?.Properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(consents?.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('keeps prod data when the stack is deleted', () => {
    for (const table of Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))) expect(table.DeletionPolicy).toBe('Retain');
  });
});

describe('stack: functions', () => {
  it('has one function per route and per worker, and the staff pool trigger: Node.js 24 on arm64, traced (but the hot path), stage settings in the environment', () => {
    const fns = ownFunctions();
    // ...and the staff pool's pre-token-generation trigger.
    expect(Object.keys(fns)).toHaveLength(ROUTES.length + WORKERS.length + 1);
    for (const fn of [...ROUTES, ...WORKERS]) {
      const untraced = 'runtime' in fn && fn.runtime?.activeTracing === false;
      expect(template.toJSON().Resources[functionIdFor(fn.id)].Properties.TracingConfig, fn.id).toEqual(untraced ? undefined : { Mode: 'Active' });
    }
    expect(ROUTES.filter((r) => r.runtime?.activeTracing === false).map((r) => r.id)).toEqual(['recordVisits']);
    for (const fn of Object.values(fns))
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: { Variables: { STAGE: 'prod', NODE_OPTIONS: '--enable-source-maps', POLICY_BASELINE: expect.stringMatching(/"sha256":"[0-9a-f]{64}"/) } },
      });
  });

  it('gives every function its own code asset with the handler index.handler', () => {
    const fns = Object.values(ownFunctions()) as { Properties: { Code: { S3Key: unknown }; Handler: string } }[];
    expect(new Set(fns.map((f) => JSON.stringify(f.Properties.Code.S3Key))).size).toBe(fns.length);
    expect(new Set(fns.map((f) => f.Properties.Handler))).toEqual(new Set(['index.handler']));
  });

  it('gives API functions 256 MB and 10 s, and workers the timeout they declare', () => {
    for (const route of ROUTES) {
      expect(template.toJSON().Resources[functionIdFor(route.id)].Properties).toMatchObject({ MemorySize: 256, Timeout: 10 });
    }
    for (const worker of WORKERS) {
      expect(template.toJSON().Resources[functionIdFor(worker.id)].Properties.Timeout).toBe(worker.timeoutSeconds);
    }
  });

  it('gives every function its own log group with the stage retention', () => {
    // Functions (routes, workers, the staff pool's trigger) and the API's access logs.
    template.resourceCountIs('AWS::Logs::LogGroup', ROUTES.length + WORKERS.length + 1 + 1);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: built.settings.logRetentionDays });
  });

  it.each(ALL_FUNCTIONS.map((f) => [f.id, f] as const))('grants %s exactly the data actions it declares', (_id, f) => {
    const statements = policiesOf(functionIdFor(f.id));
    const data = actionsOf(statements).filter((a) => /^(dynamodb|secretsmanager|s3|ses):/.test(a));
    const declared = [
      ...Object.values(f.uses.tables ?? {})
        .flat()
        .map((a) => `dynamodb:${a}`),
      ...(f.uses.secrets ?? []).map(() => 'secretsmanager:GetSecretValue'),
      ...(f.uses.partnerKeys ? ['secretsmanager:GetSecretValue'] : []),
      ...Object.values(f.uses.buckets ?? {})
        .flat()
        .map((m) => (m === 'read' ? 's3:GetObject' : 's3:PutObject')),
      ...(f.uses.sendsMail ? ['ses:SendEmail'] : []),
      ...Array.from({ length: f.streams ?? 0 }, () => STREAM_READ).flat(),
    ];
    expect(data.sort()).toEqual(declared.sort());
  });

  it('grants no wildcard action and no data action on every resource', () => {
    for (const f of ALL_FUNCTIONS) {
      const statements = policiesOf(functionIdFor(f.id));
      expect(actionsOf(statements).filter((a) => a.includes('*'))).toEqual([]);
      for (const s of statements) {
        const dataActions = actionsOf([s]).filter((a) => !a.startsWith('xray:'));
        if (dataActions.length) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
      }
      expect(actionsOf(statements)).not.toContain('dynamodb:Scan');
    }
  });

  it('keeps one key per partner and lets only the functions that write members read them, by partner id', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    const partnerSecretIds = PARTNERS.map(({ id }) => Object.keys(secrets).find((logical) => logical.includes(`PartnerKey${id.replaceAll('-', '')}`)));
    expect(partnerSecretIds.every(Boolean)).toBe(true);
    const fns = template.findResources('AWS::Lambda::Function');
    for (const f of ALL_FUNCTIONS) {
      const env = (fns[functionIdFor(f.id)] as Json).Properties.Environment.Variables;
      if (!f.uses.partnerKeys) {
        expect(env.PARTNER_SECRET_ARNS).toBeUndefined();
        continue;
      }
      // A JSON map of partner id to secret ARN (a CloudFormation join of the secret references).
      const arns = JSON.stringify(env.PARTNER_SECRET_ARNS);
      for (const [i, { id }] of PARTNERS.entries()) {
        expect(arns).toContain(id);
        expect(arns).toContain(partnerSecretIds[i]);
      }
      const grant = policiesOf(functionIdFor(f.id)).find(
        (s) => actionsOf([s]).includes('secretsmanager:GetSecretValue') && Array.isArray(s.Resource) && s.Resource.length === 2,
      );
      expect(grant?.Resource).toEqual(partnerSecretIds.map((id) => ({ Ref: id })));
    }
    expect(
      ALL_FUNCTIONS.filter((f) => f.uses.partnerKeys)
        .map((f) => f.id)
        .sort(),
    ).toEqual(['cancelMember', 'completeRequest', 'putMember']);
  });

  it('lets only the functions declaring the alarm topic publish to it, on that topic and its key alone', () => {
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    const keyId = Object.keys(template.findResources('AWS::KMS::Key')).find((k) => k.startsWith('AlertsKey'))!;
    const fns = template.findResources('AWS::Lambda::Function');
    for (const f of ALL_FUNCTIONS) {
      const statements = policiesOf(functionIdFor(f.id));
      const publish = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sns:')));
      const kms = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('kms:')));
      const env = (fns[functionIdFor(f.id)] as Json).Properties.Environment.Variables;
      if (!f.uses.alarmTopic) {
        expect([publish, kms, env.ALARM_TOPIC_ARN]).toEqual([[], [], undefined]);
        continue;
      }
      expect(publish).toEqual([expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: topicId } })]);
      expect(kms).toEqual([expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } })]);
      expect(env.ALARM_TOPIC_ARN).toEqual({ Ref: topicId });
    }
    expect(ALL_FUNCTIONS.filter((f) => f.uses.alarmTopic).map((f) => f.id)).toEqual(['processDeadlines', 'sweepChains']);
  });

  it('lets no function delete from the registers (nothing in them is ever deleted)', () => {
    expect(ALL_FUNCTIONS.filter((f) => f.uses.tables?.registers?.some((a) => a === 'DeleteItem' || a === 'BatchWriteItem')).map((f) => f.id)).toEqual([]);
  });

  it('passes the token secret ARN only to functions that sign tokens', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    const withSecret = Object.entries(fns)
      .filter(([, f]: [string, Json]) => f.Properties.Environment.Variables.TOKEN_SECRET_ARN)
      .map(([id]) => id);
    const expected = ALL_FUNCTIONS.filter((f) => f.uses.secrets?.includes('tokenKey')).map((f) => functionIdFor(f.id));
    expect(withSecret.sort()).toEqual(expected.sort());
    for (const f of Object.values(fns) as Json[]) expect(f.Properties.Environment.Variables.TOKEN_SECRET).toBeUndefined();
  });
});

describe('stack: HTTP API', () => {
  it('has exactly the routes of the route table: IAM on machine routes, the staff JWT authoriser on people routes', () => {
    // Routes CloudFront sends to a function URL (edgeOrigin) have no API route.
    template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.filter(servedByApiGateway).length);
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer', { Properties: { AuthorizerType: 'JWT' } }));
    expect(authorizerId).toBeDefined();
    for (const route of ROUTES.filter(servedByApiGateway)) {
      const people = route.auth === 'staff' || route.auth === 'dpo';
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey(route),
        AuthorizationType: route.auth === 'iam' ? 'AWS_IAM' : people ? 'JWT' : 'NONE',
        ...(people ? { AuthorizerId: { Ref: authorizerId } } : {}),
      });
    }
  });

  it('throttles every route on its own, below a stage default', () => {
    const expected = Object.fromEntries(
      ROUTES.filter(servedByApiGateway).map((r) => [routeKey(r), { ThrottlingRateLimit: r.throttle!.rate, ThrottlingBurstLimit: r.throttle!.burst }]),
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: built.settings.throttle.defaultRate, ThrottlingBurstLimit: built.settings.throttle.defaultBurst },
      RouteSettings: expected,
    });
  });

  it('writes JSON access logs without IP address or user agent', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Json;
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format.requestId).toBe('$context.requestId');
    expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/sourceIp|userAgent/);
  });

  it('allows CORS only from the stage\u2019s origins', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: built.settings.allowedOrigins }),
    });
  });
});

describe('stack: staff sign-in', () => {
  const pool = () => Object.values(template.findResources('AWS::Cognito::UserPool'))[0] as Json;

  it('has one user pool: admins create people, no self sign-up, strong passwords, TOTP (no SMS), threat protection', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    const props = pool().Properties;
    expect(props.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
    expect(props.Policies.PasswordPolicy).toMatchObject({
      MinimumLength: STAFF_PASSWORD_POLICY.minLength,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: STAFF_PASSWORD_POLICY.tempPasswordValidityDays,
    });
    expect(props.MfaConfiguration).toBe('OPTIONAL');
    expect(props.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(props.UserPoolTier).toBe('PLUS');
    expect(props.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    // prod keeps its people: the pool is retained and protected from deletion.
    expect(props.DeletionProtection).toBe('ACTIVE');
  });

  it('has the two groups and a browser client without secret, with short-lived tokens', () => {
    for (const group of ['staff', 'dpo']) template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      IdTokenValidity: STAFF_TOKEN_VALIDITY.idTokenMinutes,
      AccessTokenValidity: STAFF_TOKEN_VALIDITY.accessTokenMinutes,
      RefreshTokenValidity: STAFF_TOKEN_VALIDITY.refreshTokenHours * 60,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('checks ID tokens of that pool and client with the JWT authoriser', () => {
    const [clientId] = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'));
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: clientId }], Issuer: Match.anyValue() },
    });
  });

  it('runs the pre-token-generation trigger, which may only read users (AdminGetUser)', () => {
    const trigger = pool().Properties.LambdaConfig.PreTokenGeneration['Fn::GetAtt'][0] as string;
    expect(trigger).toMatch(/^StaffAuthPreTokenGeneration/);
    expect(actionsOf(policiesOf(trigger)).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual(['cognito-idp:AdminGetUser']);
  });

  it('outputs the pool and client ids for the console, the CLI and administrators', () => {
    template.hasOutput('StaffUserPoolId', Match.anyValue());
    template.hasOutput('StaffUserPoolClientId', Match.anyValue());
  });
});

describe('stack: cdk-nag', () => {
  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Serverless', () => new ServerlessChecks()],
  ])('the %s pack finds nothing unacknowledged', (_name, pack) => {
    const report = pack().validateScope(built.stack);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('acknowledges each finding on a resource-level construct, never on the stack or app, with a reason', () => {
    const acks: { path: string; id: string; reason: string }[] = [];
    for (const node of [built.app, ...built.app.node.findAll()]) {
      for (const entry of node.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acks.push({ path: node.node.path, id, reason: String(reason) });
      }
    }
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.path === '' || ack.path === built.stack.node.path, `${ack.id} sits on ${ack.path || 'the app'}`).toBe(false);
      expect(ack.reason.length, `${ack.id} at ${ack.path} needs a real reason`).toBeGreaterThan(30);
    }
    const apig4 = acks.filter((a) => a.id.includes('AwsSolutions-APIG4')).map((a) => a.path.split('/').at(-1));
    expect(apig4.length).toBe(ROUTES.filter((r) => r.auth === 'public' && servedByApiGateway(r)).length);
  });
});

describe('retentionFor', () => {
  it('rounds a stage\u2019s retention up to the next value CloudWatch Logs accepts', async () => {
    const { retentionFor } = await import('../../infra/stack');
    expect([retentionFor(7), retentionFor(8), retentionFor(365), retentionFor(400)]).toEqual([7, 14, 365, 400]);
  });
});

describe('stack: visits', () => {
  it('expires visit records by TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('indexes orders by member for exports and disputes, and keeps them without TTL', () => {
    const orders = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')).find((t: Json) =>
      (t.Properties.GlobalSecondaryIndexes ?? []).some((ix: Json) => ix.KeySchema.some((k: Json) => k.AttributeName === 'orderedAt')),
    ) as Json;
    expect(orders).toBeDefined();
    expect(orders.Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('ships the ASN database inside the visit function when the stage looks providers up in one', async () => {
    const { mkdtempSync, writeFileSync, readdirSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { buildAsnDatabase } = await import('../helpers/mmdb-writer');
    const file = join(mkdtempSync(join(tmpdir(), 'asn-')), 'GeoLite2-ASN.mmdb');
    writeFileSync(file, buildAsnDatabase([{ cidr: '203.0.113.0/24', asn: 7470, organization: 'TRUE' }]));
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-isp-'));
    const stages = { ...context.stages, prod: { ...context.stages.prod, isp: { source: 'maxmind', database: file } } };
    const withIsp = buildApp(new App({ outdir, context: { ...context, stages, stage: 'prod' } }));
    const t = Template.fromStack(withIsp.stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^POST /v1/visits'),
      Environment: { Variables: Match.objectLike({ ISP_SOURCE: 'maxmind', ASN_DATABASE_PATH: '/var/task/asn.mmdb' }) },
    });
    withIsp.app.synth();
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    expect(assets.filter((d) => existsSync(join(outdir, d, 'asn.mmdb')))).toHaveLength(1);
  });
});

describe('stack: mail and requests', () => {
  it('stores inbound mail in an encrypted, TLS-only, private bucket that forgets it after its lifetime', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const def of Object.values(BUCKETS)) {
      const bucket = Object.entries(buckets).find(([id]) => id.startsWith(`Data${def.id}`))![1] as Json;
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({ ExpirationInDays: def.expireAfterDays, Status: 'Enabled' }),
      );
      expect(bucket.Properties.LoggingConfiguration).toBeDefined();
    }
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).map((p: Json) => JSON.stringify(p.Properties.PolicyDocument));
    expect(policies.filter((p) => p.includes('aws:SecureTransport')).length).toBeGreaterThanOrEqual(Object.keys(BUCKETS).length);
  });

  it('has a receipt rule for the request address: raw mail to S3 first, then the Lambda, with spam and virus scanning', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Recipients: [built.settings.requestAddress],
        ScanEnabled: true,
        Enabled: true,
        Actions: [
          { S3Action: Match.objectLike({ ObjectKeyPrefix: BUCKETS.inboundMail.keyPrefix }) },
          { LambdaAction: Match.objectLike({ InvocationType: 'Event' }) },
        ],
      }),
    });
  });

  it('retries asynchronous invocations twice, then parks them on an encrypted failure queue with an alarm', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: Match.anyValue() } });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('runs the dispute-hold sweep on a daily schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  });

  it('lets functions send mail only as the stage\u2019s sender identity', () => {
    for (const f of ALL_FUNCTIONS.filter((x) => x.uses.sendsMail)) {
      const statement = policiesOf(functionIdFor(f.id)).find((s) => actionsOf([s]).includes('ses:SendEmail'))!;
      expect(JSON.stringify(statement.Resource)).toContain(`identity/${built.settings.senderAddress}`);
      expect(JSON.stringify(statement.Resource)).not.toContain('identity/*');
    }
  });
});

describe('stack: deadlines', () => {
  it('has an encrypted deadlines queue with a dead-letter queue after the declared receive count', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const main = Object.entries(queues).find(([id]) => id.startsWith('DataDeadlines') && !id.includes('DeadLetters'))![1] as Json;
    expect(main.Properties).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 60, RedrivePolicy: { maxReceiveCount: 5 } });
    for (const q of Object.values(queues) as Json[]) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('refuses non-TLS access to every queue', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).map((p: Json) => JSON.stringify(p.Properties.PolicyDocument));
    expect(policies.length).toBeGreaterThanOrEqual(3);
    for (const p of policies) expect(p).toContain('aws:SecureTransport');
  });

  it('alarms as soon as one job lands on the dead-letter queue', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Json[];
    expect(alarms.filter((a) => a.Properties.AlarmDescription.includes('dead-letter queue') && a.Properties.Threshold === 0)).toHaveLength(1);
  });

  it('feeds the queue to its worker in batches with partial batch failure reporting', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('lets only functions that declare the queue send to it', () => {
    const deadlinesQueue = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('DataDeadlines') && !id.includes('DeadLetters'))!;
    for (const f of ALL_FUNCTIONS) {
      const sends = policiesOf(functionIdFor(f.id)).some(
        (s) => actionsOf([s]).includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(deadlinesQueue),
      );
      expect(sends, f.id).toBe(Boolean(f.uses.queues?.deadlines));
    }
  });

  it('sweeps for lost chains every hour', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  });
});
