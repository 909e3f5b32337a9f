/**
 * The cost model's assumptions about the deployed stack (scripts/lib/visit-cost.ts) against the
 * synthesised prod template: memory, tracing and logging of the beacon function, the visits table's
 * recovery, class and TTL, log retention, the edge caching the kit and the policy, and the kit carrying
 * the policy (its function reads the policy store), so pages make no policy request. When someone
 * changes the stack without the model, or the model without the stack, this fails.
 * Bundling is skipped (context `aws:cdk:bundling-stacks: []`): these tests read the template only.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { FORWARDED_HEADERS } from '../../infra/constructs/edge';
import { REPO_ROOT } from '../../infra/stage-config';
import { deployedVisitSettings } from '../../scripts/lib/visit-cost';
import { EDGE_KEY_HEADER } from '../../shared/adapters/isp';
import { TABLES } from '../../shared/resources';
import { getKitRoute, getPolicyRoute, recordVisitsRoute, routeKey } from '../../shared/routes';

const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
/** The template as CloudFormation JSON (untyped, as `Template.toJSON` gives it). */
let resources: ReturnType<Template['toJSON']>['Resources'];
type Resource = { Type: string; Properties: typeof resources };
let template: Template;
const model = deployedVisitSettings('prod');

beforeAll(() => {
  const { stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [], stage: 'prod' } }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

const functionOf = (descriptionStart: string) => {
  const found = (Object.entries(resources) as [string, Resource][]).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description ?? '').startsWith(descriptionStart),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
};
const beaconFunction = () => functionOf(`POST ${recordVisitsRoute.path}:`);
const visitsTable = () =>
  (Object.entries(resources) as [string, Resource][]).find(
    ([id, r]) => r.Type === 'AWS::DynamoDB::GlobalTable' && id.startsWith(`Data${TABLES.visits.id}`),
  )![1];
// The storefront's distribution (the staff console has its own).
const distribution = () =>
  (Object.entries(resources) as [string, Resource][]).find(([id, r]) => r.Type === 'AWS::CloudFront::Distribution' && id.startsWith('Edge'))![1].Properties
    .DistributionConfig;
const cachePolicyOf = (path: string) => {
  const behavior = distribution().CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === path);
  const id = behavior.CachePolicyId.Ref as string;
  return resources[id]!.Properties.CachePolicyConfig;
};

describe('cost model assumptions against the prod template', () => {
  it('beacon function: the memory, tracing and log sampling the model prices', () => {
    const [, fn] = beaconFunction();
    expect(fn.Properties.MemorySize).toBe(model.memoryMb);
    expect(fn.Properties.TracingConfig?.Mode === 'Active').toBe(model.activeTracing);
    expect(model.activeTracing).toBe(false);
    expect(Number(fn.Properties.Environment.Variables.REQUEST_LOG_SAMPLE ?? 1)).toBe(model.requestLogSample);
    expect(model.requestLogSample).toBeLessThan(1);
    // Without START/END/REPORT lines: JSON log format with system logs at WARN.
    expect(fn.Properties.LoggingConfig?.SystemLogLevel === 'WARN').toBe(!model.platformLogLines);
  });

  it('visits table: point-in-time recovery, table class and TTL as the model prices them', () => {
    const replica = visitsTable().Properties.Replicas[0];
    expect(replica.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(model.pointInTimeRecovery);
    expect(replica.TableClass === 'STANDARD_INFREQUENT_ACCESS').toBe(model.infrequentAccess);
    expect(visitsTable().Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(model.retentionDays).toBe(context.stages.prod.visitRetentionDays);
  });

  it('log groups keep logs for the days the model stores them', () => {
    const [id] = beaconFunction();
    const logGroupRef = resources[id]!.Properties.LoggingConfig.LogGroup.Ref as string;
    expect(resources[logGroupRef]!.Properties.RetentionInDays).toBe(model.logRetentionDays);
  });

  it('edge: browsers reach the storefront routes through CloudFront, which caches the kit (by version) and the policy as long as they say', () => {
    expect(model.viaCloudFront).toBe(true);
    const kit = cachePolicyOf(getKitRoute.path);
    expect(kit.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: ['v'] });
    expect(kit.MaxTTL).toBeGreaterThanOrEqual(model.kitCacheSeconds);
    expect(kit.MinTTL).toBe(0);
    // The normalised Accept-Encoding reaches the kit's function and keys the cache: the brotli answer the model prices is kept apart.
    expect(kit.ParametersInCacheKeyAndForwardedToOrigin.EnableAcceptEncodingBrotli).toBe(true);
    const policy = cachePolicyOf(getPolicyRoute.path);
    expect(policy.MaxTTL).toBeGreaterThanOrEqual(model.policyCacheSeconds);
    expect(policy.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({ QueryStringBehavior: 'none' });
  });

  it('edge: forwards CloudFront\u2019s viewer ASN and address with the edge key the beacon function checks, never the Host header', () => {
    expect(model.ispSource).toBe('cloudfront');
    // Both origins, the API and the beacon function's URL, get the key.
    expect(distribution().Origins).toHaveLength(2);
    for (const origin of distribution().Origins) {
      expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
      const header = origin.OriginCustomHeaders.find((h: { HeaderName: string }) => h.HeaderName === EDGE_KEY_HEADER);
      // Resolved by CloudFormation from the secret at deploy: never a value in the template.
      expect(JSON.stringify(header.HeaderValue)).toMatch(/resolve:secretsmanager/);
    }
    const policy = (Object.values(resources) as Resource[]).find((r) => r.Type === 'AWS::CloudFront::OriginRequestPolicy')!.Properties
      .OriginRequestPolicyConfig;
    expect(policy.HeadersConfig.Headers).toEqual([...FORWARDED_HEADERS]);
    expect(policy.HeadersConfig.Headers).toEqual(expect.arrayContaining(['CloudFront-Viewer-ASN', 'CloudFront-Viewer-Address']));
    expect(policy.HeadersConfig.Headers.map((h: string) => h.toLowerCase())).not.toContain('host');
    const [id, fn] = beaconFunction();
    expect(fn.Properties.Environment.Variables.ISP_SOURCE).toBe('cloudfront');
    const grants = (Object.values(resources) as Resource[]).filter(
      (r) =>
        (r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(id.replace(/Function[0-9A-F]+$/, ''))) ||
        (r.Type === 'AWS::IAM::Role' && r === resources[fn.Properties.Role['Fn::GetAtt'][0]]),
    );
    expect(JSON.stringify(grants)).toMatch(/EdgeOriginKey/);
  });

  it('kit: pages make no policy request because the kit\u2019s function reads the policy store (Query on the Policies table, nothing else) and its unversioned answer, kept as briefly as the policy\u2019s, carries it', () => {
    expect(model.kitCarriesPolicy).toBe(true);
    expect(model.kitCacheSeconds).toBe(model.policyCacheSeconds);
    const [, fn] = functionOf(`GET ${getKitRoute.path}:`);
    expect(Object.keys(fn.Properties.Environment.Variables)).toContain(TABLES.policies.envVar);
    // The function's grants: inline in its role, or in a policy attached to it.
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const documents = [
      ...((resources[roleId]!.Properties.Policies ?? []) as { PolicyDocument: Resource['Properties'] }[]).map((p) => p.PolicyDocument),
      ...(Object.values(resources) as Resource[])
        .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
        .map((r) => r.Properties.PolicyDocument),
    ];
    const statements = documents.flatMap((d) => d.Statement as { Action: string | string[]; Resource: unknown }[]);
    const tableStatements = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(tableStatements.flatMap((st) => [st.Action].flat())).toEqual(['dynamodb:Query']);
    expect(JSON.stringify(tableStatements.map((st) => st.Resource))).toMatch(
      new RegExp(`^\\[\\{"Fn::GetAtt":\\["Data${TABLES.policies.id}[0-9A-F]+","Arn"\\]\\}\\]$`),
    );
    // The versioned answer (a year, no policy) and the unversioned one (5 minutes, the policy inside) are cached apart.
    const kit = cachePolicyOf(getKitRoute.path);
    expect(kit.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: ['v'] });
    expect(kit.MinTTL).toBe(0);
  });

  it('beacons: CloudFront sends POST /v1/visits to the beacon function\u2019s URL, uncached, with no API Gateway route for it (the model prices no API Gateway fee for beacons)', () => {
    expect(model.beaconsViaApiGateway).toBe(false);
    const [id, fn] = beaconFunction();
    const behavior = distribution().CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === recordVisitsRoute.path);
    expect(behavior.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'OPTIONS']));
    // AWS's managed CachingDisabled policy.
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(behavior.OriginRequestPolicyId).toEqual(distribution().DefaultCacheBehavior.OriginRequestPolicyId);
    const origin = distribution().Origins.find((o: { Id: string }) => o.Id === behavior.TargetOriginId);
    // The origin's domain is the host name of this function's URL.
    const urlId = (Object.entries(resources) as [string, Resource][]).find(
      ([, r]) => r.Type === 'AWS::Lambda::Url' && JSON.stringify(r.Properties.TargetFunctionArn).includes(id),
    )![0];
    expect(JSON.stringify(origin.DomainName)).toContain(urlId);
    expect(resources[urlId]!.Properties.AuthType).toBe('NONE');
    expect(resources[urlId]!.Properties.Cors.AllowOrigins).toEqual(context.stages.prod.allowedOrigins);
    // Reachable only through the distribution: the function refuses requests without the edge key.
    expect(fn.Properties.Environment.Variables.EDGE_KEY_REQUIRED).toBe('true');
    const routes = (Object.values(resources) as Resource[]).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
    expect(routes).not.toContain(routeKey(recordVisitsRoute));
    expect(routes.length).toBeGreaterThan(0);
    // Every other function is reached through API Gateway only.
    const otherUrls = (Object.values(resources) as Resource[]).filter((r) => r.Type === 'AWS::Lambda::Url');
    expect(otherUrls).toHaveLength(1);
  });
});
