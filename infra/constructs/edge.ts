/**
 * CloudFront in front of what storefront pages call: the kit and the policy cached at the edge
 * (their own Cache-Control decides for how long), every other storefront route passed through
 * uncached. Routes with an `edgeOrigin` (the beacons) go to their function's URL, a second origin,
 * with the same edge key: no API Gateway on the hot path. CloudFront adds the viewer's ASN and address, and the stack's edge key as an origin
 * header: the beacon function believes those headers only with that key (shared/adapters/isp.ts), so
 * the API may stay reachable directly for signed staff and backend calls without a client being able
 * to forge its provider or address. The staff console has a distribution of its own.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import {
  AllowedMethods,
  CachedMethods,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginRequestCookieBehavior,
  ViewerProtocolPolicy,
  CacheHeaderBehavior,
  CacheCookieBehavior,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EDGE_KEY_HEADER } from '../../shared/adapters/isp';
import { getKitRoute, getPolicyRoute } from '../../shared/routes';

/**
 * Viewer headers the storefront routes read (CloudFront forwards at most 10 by default): CORS and
 * its preflight, the body's type, the browser, Global Privacy Control, idempotent retries, HTML or
 * JSON answers; and CloudFront's own viewer ASN and address.
 */
export const FORWARDED_HEADERS = [
  'Origin',
  'Access-Control-Request-Method',
  'Access-Control-Request-Headers',
  'Content-Type',
  'User-Agent',
  'Sec-GPC',
  'Idempotency-Key',
  'Accept',
  'CloudFront-Viewer-ASN',
  'CloudFront-Viewer-Address',
] as const;

/** Longest time the edge keeps an answer; the origin's Cache-Control (kit: a year for ?v=, 5 minutes with the policy inside otherwise; policy: 5 minutes) decides below it. */
export const EDGE_MAX_TTL = Duration.days(365);

export interface StorefrontEdgeProps {
  api: HttpApi;
  /** The value CloudFront sends in EDGE_KEY_HEADER; resolved by CloudFormation, never in the template. */
  edgeKey: Secret;
  /** Function URLs CloudFront calls for a path instead of the API (routes with an edgeOrigin), by path. */
  functionUrls?: Record<string, FunctionUrl>;
}

export class StorefrontEdge extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: StorefrontEdgeProps) {
    super(scope, id);
    const { stack } = props.api;
    const edgeKeyHeader = { [EDGE_KEY_HEADER]: props.edgeKey.secretValue.unsafeUnwrap() };
    const origin = new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      customHeaders: edgeKeyHeader,
    });
    const passThrough = new OriginRequestPolicy(this, 'StorefrontRequests', {
      comment: 'Storefront routes: the headers they read, CloudFront viewer ASN and address, every query string, no cookies',
      headerBehavior: OriginRequestHeaderBehavior.allowList(...FORWARDED_HEADERS),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
      cookieBehavior: OriginRequestCookieBehavior.none(),
    });
    // Cached GETs: the key is the path (and the kit's version, which keeps the year-long answer without a policy
    // apart from the 5-minute one with it), compressed as the browser accepts.
    const cached = (name: string, queryStrings: CacheQueryStringBehavior) =>
      new CachePolicy(this, name, {
        comment: `${name}: as long as the origin's Cache-Control says`,
        minTtl: Duration.seconds(0),
        defaultTtl: Duration.seconds(0),
        maxTtl: EDGE_MAX_TTL,
        queryStringBehavior: queryStrings,
        headerBehavior: CacheHeaderBehavior.none(),
        cookieBehavior: CacheCookieBehavior.none(),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      });
    const cachedBehavior = (policy: CachePolicy) => ({
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      cachePolicy: policy,
      compress: true,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Storefront: kit, policy, consents, beacons, request form, unsubscribe pages',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: passThrough,
      },
      additionalBehaviors: {
        [getKitRoute.path]: cachedBehavior(cached('Kit', CacheQueryStringBehavior.allowList('v'))),
        [getPolicyRoute.path]: cachedBehavior(cached('Policy', CacheQueryStringBehavior.none())),
        // Uncached, every method (POST, and OPTIONS for a preflight), the same viewer headers; the
        // Host header is not forwarded (a function URL answers only to its own host name).
        ...Object.fromEntries(
          Object.entries(props.functionUrls ?? {}).map(([path, url]) => [
            path,
            {
              origin: new FunctionUrlOrigin(url, { customHeaders: edgeKeyHeader }),
              viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
              allowedMethods: AllowedMethods.ALLOW_ALL,
              cachePolicy: CachePolicy.CACHING_DISABLED,
              originRequestPolicy: passThrough,
            },
          ]),
        ),
      },
    });
    const acknowledge = (id: string, reason: string) => Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'The shop sells to anyone who reaches it; the policy and the law (PDPA) ask for no country blocks; the API throttles every route it serves, and the beacon function (its own origin) is bounded by Lambda\u2019s concurrency.',
    );
    acknowledge(
      'AwsSolutions-CFR2',
      'Every API route behind it is throttled per route at API Gateway, the beacon function\u2019s URL is bounded by Lambda\u2019s concurrency, and every route validates its input (zod, 4xx); a WAF web ACL would add a fee per request to the hot path (beacons) that is larger than what the path costs without it. Devops may attach one without changing the stack.',
    );
    acknowledge(
      'AwsSolutions-CFR3',
      'CloudFront access logs would hold every shopper\u2019s IP address and pages, a second copy of visit data outside consent, erasure and TTL; the API\u2019s access log already records each forwarded request without IP or user agent.',
    );
    acknowledge(
      'AwsSolutions-CFR4',
      'Served on the default *.cloudfront.net certificate, for which CloudFront fixes the viewer TLS policy; a shop domain with its own ACM certificate and TLSv1.2_2021 is set by devops (README: Storefront edge).',
    );
  }
}
