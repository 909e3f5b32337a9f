import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { REPO_ROOT } from '../../infra/stage-config';
import { TABLES } from '../../shared/resources';
import { ROUTES, routeKey } from '../../shared/routes';

const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
let built: ReturnType<typeof buildApp>;
let template: Template;

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const policiesOf = (fnLogicalId: string): Statement[] => {
  const fn = template.toJSON().Resources[fnLogicalId];
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
};
const functionIdFor = (routeId: string) =>
  Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(`Http${routeId[0]!.toUpperCase()}${routeId.slice(1)}Function`))![0];
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

beforeAll(() => {
  built = buildApp(new App({ context: { ...context, stage: 'prod' } }));
  template = Template.fromStack(built.stack);
});

describe('stack: data', () => {
  it('has one table per definition, on demand, with point-in-time recovery and KMS encryption', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(TABLES).length);
    template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
  });

  it('builds the consents table with the member index the erasure path relies on', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byMember' })],
    });
  });

  it('keeps prod data when the stack is deleted', () => {
    for (const table of Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))) expect(table.DeletionPolicy).toBe('Retain');
  });
});

describe('stack: functions', () => {
  it('has one function per route: Node.js 24 on arm64, traced, with memory and timeout set', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns)).toHaveLength(ROUTES.length);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 256,
      Timeout: 10,
      Environment: { Variables: Match.objectLike({ STAGE: 'prod', NODE_OPTIONS: '--enable-source-maps', POLICY_BASELINE: Match.stringLikeRegexp('"sha256":"[0-9a-f]{64}"') }) },
    });
  });

  it('gives every function its own log group with the stage retention', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', ROUTES.length + 1);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: built.settings.logRetentionDays });
  });

  it.each(ROUTES.map((r) => [r.id, r] as const))('grants %s exactly the data actions its route declares', (_id, route) => {
    const statements = policiesOf(functionIdFor(route.id));
    const data = actionsOf(statements).filter((a) => a.startsWith('dynamodb:') || a.startsWith('secretsmanager:'));
    const declared = [
      ...Object.values(route.uses.tables ?? {}).flat().map((a) => `dynamodb:${a}`),
      ...(route.uses.secrets ?? []).map(() => 'secretsmanager:GetSecretValue'),
    ];
    expect(data.sort()).toEqual(declared.sort());
  });

  it('grants no wildcard action and no data action on every resource', () => {
    for (const route of ROUTES) {
      const statements = policiesOf(functionIdFor(route.id));
      expect(actionsOf(statements).filter((a) => a.includes('*'))).toEqual([]);
      for (const s of statements) {
        const dataActions = actionsOf([s]).filter((a) => !a.startsWith('xray:'));
        if (dataActions.length) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
      }
      expect(actionsOf(statements)).not.toContain('dynamodb:Scan');
    }
  });

  it('passes the token secret ARN only to functions that sign tokens', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    const withSecret = Object.entries(fns).filter(([, f]: [string, any]) => f.Properties.Environment.Variables.TOKEN_SECRET_ARN).map(([id]) => id);
    const expected = ROUTES.filter((r) => r.uses.secrets?.includes('tokenKey')).map((r) => functionIdFor(r.id));
    expect(withSecret.sort()).toEqual(expected.sort());
    for (const f of Object.values(fns) as any[]) expect(f.Properties.Environment.Variables.TOKEN_SECRET).toBeUndefined();
  });
});

describe('stack: HTTP API', () => {
  it('has exactly the routes of the route table, IAM-authorised where the table says so', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
    for (const route of ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey(route),
        AuthorizationType: route.auth === 'iam' ? 'AWS_IAM' : 'NONE',
      });
    }
  });

  it('throttles every route on its own, below a stage default', () => {
    const expected = Object.fromEntries(ROUTES.map((r) => [routeKey(r), { ThrottlingRateLimit: r.throttle.rate, ThrottlingBurstLimit: r.throttle.burst }]));
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: built.settings.throttle.defaultRate, ThrottlingBurstLimit: built.settings.throttle.defaultBurst },
      RouteSettings: expected,
    });
  });

  it('writes JSON access logs without IP address or user agent', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as any;
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
    expect(apig4.length).toBe(ROUTES.filter((r) => r.auth === 'public').length);
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
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    });
  });

  it('indexes orders by member for exports and disputes, and keeps them without TTL', () => {
    const orders = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')).find((t: any) =>
      (t.Properties.GlobalSecondaryIndexes ?? []).some((ix: any) => ix.KeySchema.some((k: any) => k.AttributeName === 'orderedAt')),
    ) as any;
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
