/**
 * The staff console in AWS: the bundle built by scripts/build-console.ts in a private S3 bucket
 * (public access blocked, TLS only, versioned, access-logged), served by CloudFront through origin
 * access control, HTTPS only, with the console's strict CSP and security headers
 * (shared/console/headers.ts, the same as the local server sends). The HTTP API is a second origin
 * of the same distribution under /v1/* (caching disabled, every viewer header but Host forwarded, so
 * the Authorization header reaches the JWT authoriser): the console calls its own origin, no CORS.
 * config.json is written by the deployment with the stack's pool, client and region.
 */
import { DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack, Stage, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  FunctionRuntime,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeInPacks } from './function-findings';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsole } from '../../scripts/build-console';
import type { ConsoleConfig } from '../../shared/console/config';
import { CONSOLE_HEADERS, cognitoEndpointOf, consoleCsp } from '../../shared/console/headers';

export interface ConsoleSiteProps {
  /** The HTTP API the console calls, reached through this distribution under /v1/*. */
  apiId: string;
  /** The staff user pool and the console's app client. */
  userPoolId: string;
  clientId: string;
  stage: string;
  /** Where S3 server access logs and CloudFront standard logs go (an ACL-enabled bucket for CloudFront). */
  accessLogs: Bucket;
  retain: boolean;
}

/** Everything under this prefix of the bucket is the console; CloudFront serves it at /console/. */
const PREFIX = 'console';

/**
 * Viewer-request function: the console's router owns every path under /console/ that is not one of
 * its files (by extension: a member id may hold a dot),
 * so those answer the app shell; / and /console go to /console/. Answering 404s with the shell through
 * the distribution's error responses would also rewrite the API's own 404s.
 */
export const ROUTER_FUNCTION = `function handler(event) {
  var uri = event.request.uri;
  if (uri === '/' || uri === '/${PREFIX}') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/${PREFIX}/' } } };
  }
  if (uri.indexOf('/${PREFIX}/') === 0 && !/\\.(js|css|html|json|png|svg|ico|txt)$/.test(uri)) {
    event.request.uri = '/${PREFIX}/index.html';
  }
  return event.request;
}`;

export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioned so a bad deploy can be rolled back by hand; old versions of the static files go after 30 days.
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'ConsoleSite/',
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const rule of ['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS']) {
      Validations.of(this.bucket).acknowledge({
        id: rule,
        reason:
          'The console\u2019s public static code (HTML, script, stylesheet, config with no secret): no personal data; SSE-S3 keeps CloudFront\u2019s origin access control free of a KMS key policy.',
      });
    }
    for (const rule of ['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled']) {
      Validations.of(this.bucket).acknowledge({
        id: rule,
        reason: 'Build output that every `cdk deploy` writes again from the repository; a replica would hold nothing that cannot be rebuilt.',
      });
    }

    const cognito = cognitoEndpointOf(stack.region);
    this.headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Staff console: strict CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp([cognito]), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: CONSOLE_HEADERS['permissions-policy'], override: true },
          { header: 'Cross-Origin-Opener-Policy', value: CONSOLE_HEADERS['cross-origin-opener-policy'], override: true },
        ],
      },
    });

    const router = new CloudFrontFunction(this, 'Router', {
      code: FunctionCode.fromInline(ROUTER_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Console paths answer the app shell; / goes to /console/',
    });

    const apiOrigin = new HttpOrigin(Fn.join('', [props.apiId, '.execute-api.', stack.region, '.', stack.urlSuffix]), {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Shop privacy staff console (${props.stage})`,
      defaultRootObject: `${PREFIX}/index.html`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'ConsoleCloudFront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
        functionAssociations: [{ function: router, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
        },
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Staff work from wherever they are (home, travel); who may use the console is decided by Cognito sign-in with MFA, not by country.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'Static files plus an API whose every console route needs a Cognito token and is throttled per route by API Gateway; no form posts to this origin that a WAF rule set would add protection for. Add AWS WAF when the stage gets a custom domain.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate (no custom domain in the stage settings), for which CloudFront fixes the viewer security policy (aws-cdk-lib ignores minimumProtocolVersion without a certificate); set TLSv1.2_2021 with the certificate when the stage gets a custom domain.',
    });

    const config: ConsoleConfig = {
      apiBaseUrl: '',
      stage: props.stage,
      region: stack.region,
      userPoolId: props.userPoolId,
      clientId: props.clientId,
      cognitoEndpoint: cognito,
    };
    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(this.builtConsole()), Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${PREFIX}/`,
      // The shell and config are asked for again each time (cheap with ETags); the script and
      // stylesheet have hashed names, so a new deploy never serves a stale mix.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: [`/${PREFIX}/index.html`, `/${PREFIX}/config.json`],
      memoryLimit: 256,
    });
    this.url = `https://${this.distribution.distributionDomainName}/${PREFIX}/`;
    acknowledgeDeploymentHandler(deployment, this.bucket);
  }

  /** The built console under the cloud assembly, or a placeholder page when this synth skips bundling. */
  private builtConsole(): string {
    const stack = Stack.of(this);
    const stage = Stage.of(this);
    if (!stage) throw new Error('ConsoleSite must be in an App or Stage');
    const root = join(stage.outdir, 'bundles', stack.artifactId);
    if (stack.bundlingRequired) return buildConsole(join(root, 'console')).dir;
    const dir = join(root, 'console-placeholder');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><p>Synthesised without bundling</p>\n');
    return dir;
  }
}

/** An account or region as cdk-nag spells it in a finding's id: the pseudo parameter, or the value a synth with a concrete environment has. */
const asNagShows = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);

/**
 * BucketDeployment runs aws-cdk-lib's own singleton function (a custom resource handler, one per
 * stack and memory size) at deploy time only. Its findings are acknowledged on that function and its
 * role, the narrowest constructs, with what is true of it.
 */
function acknowledgeDeploymentHandler(deployment: BucketDeployment, bucket: Bucket) {
  const stack = Stack.of(deployment);
  const handler = stack.node.children.find((c): c is Construct => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) throw new Error('BucketDeployment created no handler: aws-cdk-lib changed how it deploys');
  const fn = handler.node.findChild('Resource');
  const role = handler.node.findChild('ServiceRole');
  const policy: IConstruct = role.node.tryFindChild('DefaultPolicy') ?? role;
  const deployOnly =
    'aws-cdk-lib\u2019s BucketDeployment handler runs only while CloudFormation deploys the console\u2019s static files, invoked once per deploy by the custom-resource framework';
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  ack(fn, 'AwsSolutions-L1', `${deployOnly}; its runtime is pinned by aws-cdk-lib and moves with its upgrades.`);
  ack(fn, 'Serverless-LambdaLatestVersion', `${deployOnly}; its runtime is pinned by aws-cdk-lib and moves with its upgrades.`);
  ack(fn, 'Serverless-LambdaDLQ', `${deployOnly}, synchronously: a failure fails the deploy, which CloudFormation rolls back and reports.`);
  ack(fn, 'Serverless-LambdaTracing', `${deployOnly}; its log in CloudWatch says what it copied, tracing would add nothing.`);
  acknowledgeInPacks(fn, 'LambdaDLQ', `${deployOnly}, synchronously: a failure fails the deploy, which CloudFormation rolls back and reports.`);
  acknowledgeInPacks(fn, 'LambdaConcurrency', `${deployOnly}; at most one copy runs per deploy.`);
  acknowledgeInPacks(fn, 'LambdaInsideVPC', `${deployOnly}; it reaches only S3 and CloudFront APIs over TLS with IAM-signed requests.`);
  ack(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    `${deployOnly}; AWSLambdaBasicExecutionRole lets it write its own logs and nothing else.`,
  );
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
  const wildcards = [
    // Reading the deploy's asset zip from the CDK asset bucket (only that bucket's objects).
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    `Resource::arn:<AWS::Partition>:s3:::cdk-${stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${asNagShows(stack.account, 'AccountId')}-${asNagShows(stack.region, 'Region')}/*`,
    // Copying into and pruning this console bucket only.
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    `Resource::<${bucketId}.Arn>/*`,
    // cloudfront:CreateInvalidation / GetInvalidation have no resource-level scope.
    'Resource::*',
  ];
  for (const w of wildcards)
    ack(
      policy,
      `AwsSolutions-IAM5[${w}]`,
      `${deployOnly}; aws-cdk-lib grants it the CDK asset bucket (read) and this console bucket (copy, prune) only, plus CloudFront invalidations, which have no resource-level scope.`,
    );
  acknowledgeInPacks(policy, 'IAMNoInlinePolicy', `${deployOnly}; the inline policy belongs to its own role, created and deleted with it.`);
}
