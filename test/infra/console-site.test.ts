/**
 * The staff console's hosting: a private bucket read only by the distribution through origin access
 * control, HTTPS only, the console's CSP and security headers on every console answer, the API under
 * /v1/* on the same distribution without caching, and the router function's rewrites.
 * Bundling is skipped (context `aws:cdk:bundling-stacks: []`): these tests read the template only.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { ROUTER_FUNCTION } from '../../infra/constructs/console-site';
import { REPO_ROOT } from '../../infra/stage-config';
import type { Json } from '../helpers/json';

const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;

type Resource = { Type: string; Properties: Record<string, Json> };
let resources: Record<string, Resource>;
let template: Template;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const consoleBucketId = () => ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('ConsoleBucket'))![0];
type Behavior = {
  ViewerProtocolPolicy: string;
  PathPattern?: string;
  CachePolicyId?: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId?: Json;
  TargetOriginId: string;
};
const distribution = () => ofType('AWS::CloudFront::Distribution')[0]![1].Properties.DistributionConfig as Record<string, Json>;

beforeAll(() => {
  const built = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [], stage: 'prod' } }));
  template = Template.fromStack(built.stack);
  resources = template.toJSON().Resources;
});

describe('console site', () => {
  it('keeps the bucket private: public access blocked, TLS required, access-logged, versioned', () => {
    const bucket = resources[consoleBucketId()]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.LoggingConfiguration).toMatchObject({ LogFilePrefix: 'ConsoleSite/' });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const policy = ofType('AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(r.Properties.Bucket).includes(consoleBucketId()))![1];
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    // Only CloudFront, and only for this distribution, may read: no public or account-wide grant.
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) {
      expect(s.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(JSON.stringify(s.Condition)).toContain('AWS:SourceArn');
    }
  });

  it('reads the bucket through origin access control, not a legacy identity', () => {
    expect(ofType('AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    expect(ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toHaveLength(0);
    const origins = distribution().Origins as { S3OriginConfig?: Record<string, Json>; OriginAccessControlId?: Json; DomainName: Json }[];
    const s3 = origins.filter((o) => o.S3OriginConfig);
    expect(s3).toHaveLength(1);
    expect(s3[0]!.OriginAccessControlId).toBeDefined();
    expect(s3[0]!.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
  });

  it('answers HTTPS only: the console redirects plain HTTP, the API refuses it', () => {
    const config = distribution();
    const fallback = config.DefaultCacheBehavior as unknown as Behavior;
    const api = (config.CacheBehaviors as unknown as Behavior[]).find((b) => b.PathPattern === '/v1/*')!;
    expect(fallback.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    for (const b of config.CacheBehaviors as unknown as Behavior[]) expect(b.ViewerProtocolPolicy).not.toBe('allow-all');
    expect(config.Logging).toMatchObject({ Prefix: 'ConsoleCloudFront/' });
  });

  it('sends the console a strict CSP (no inline script or style) and security headers', () => {
    const [policyId, policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const security = (policy.Properties.ResponseHeadersPolicyConfig as Record<string, Record<string, Record<string, Json>>>).SecurityHeadersConfig!;
    const csp = JSON.stringify(security.ContentSecurityPolicy!.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('cognito-idp.');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(security.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(security.ContentTypeOptions).toMatchObject({ Override: true });
    expect(security.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true });
    expect((distribution().DefaultCacheBehavior as unknown as Behavior).ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('serves the API under /v1/* uncached, forwarding the viewer headers (Authorization) to the HTTP API', () => {
    const api = (distribution().CacheBehaviors as unknown as Behavior[]).find((b) => b.PathPattern === '/v1/*')!;
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    const origin = (distribution().Origins as { Id: string; DomainName: Json; CustomOriginConfig?: Record<string, Json> }[]).find(
      (o) => o.Id === api.TargetOriginId,
    )!;
    expect(JSON.stringify(origin.DomainName)).toContain('.execute-api.');
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
  });

  it('deploys the built console and its config.json into the bucket, and outputs its URL', () => {
    const deployments = ofType('Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(1);
    const props = deployments[0]![1].Properties;
    expect(JSON.stringify(props.DestinationBucketName)).toContain(consoleBucketId());
    expect(props.DestinationBucketKeyPrefix).toBe('console/');
    expect((props.SourceMarkers as Json[]).length).toBe(2);
    expect(Object.keys(template.toJSON().Outputs)).toContain('ConsoleUrl');
  });
});

describe('console router function', () => {
  const run = (uri: string) => {
    const handler = new Function(`${ROUTER_FUNCTION}; return handler;`)() as (e: unknown) => {
      uri?: string;
      statusCode?: number;
      headers?: Record<string, { value: string }>;
    };
    return handler({ request: { uri, headers: {} } });
  };

  it('answers the console\u2019s own pages with the app shell and leaves files and the API alone', () => {
    expect(run('/console/requests/R-ABCDEFGH23').uri).toBe('/console/index.html');
    expect(run('/console/').uri).toBe('/console/index.html');
    expect(run('/console/members/m.1').uri).toBe('/console/index.html');
    expect(run('/console/main-ABCDEF12.js').uri).toBe('/console/main-ABCDEF12.js');
    expect(run('/console/config.json').uri).toBe('/console/config.json');
    expect(run('/v1/admin/requests').uri).toBe('/v1/admin/requests');
  });

  it('sends / and /console to /console/', () => {
    for (const uri of ['/', '/console']) {
      const answer = run(uri);
      expect(answer.statusCode).toBe(301);
      expect(answer.headers?.location?.value).toBe('/console/');
    }
  });
});
