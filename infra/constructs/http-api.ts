/**
 * The HTTP API, built from the route table: one function per route, IAM authorisation for machine
 * routes (storefront backend, newsletter sender, partners), the staff pool's JWT authoriser for
 * people routes (`staff`, `dpo`; the group is checked by the route middleware), JSON access logs, and throttling per route so a flood on one public
 * route cannot starve the others (the account's request quota is shared by every API in the region).
 * A route with an `edgeOrigin` gets its function but no API route: a function URL that the storefront's
 * CloudFront distribution calls instead (infra/constructs/edge.ts).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod, type HttpRoute, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpIamAuthorizer, type HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPermission, type FunctionUrl, FunctionUrlAuthType, HttpMethod as UrlMethod, LoggingFormat, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ROUTES, routeKey, servedByApiGateway, type RouteDef } from '../../shared/routes';
import { ASN_DATABASE_IN_BUNDLE, corsSettings, REPO_ROOT, type StageSettings } from '../stage-config';
import { basename, resolve } from 'node:path';
import type { DataStores } from './data';
import { grantUses } from './grants';
import { acknowledgeFunctionDesign, acknowledgeInPacks } from './function-findings';
import { logsKeyOf } from './log-encryption';
import { PrivacyFunction } from './privacy-function';

export interface PrivacyHttpApiProps {
  settings: StageSettings;
  data: DataStores;
  commonEnvironment: Record<string, string>;
  logRetention: RetentionDays;
  routes?: RouteDef[];
  /** Checks the staff pool's ID tokens on people routes. */
  staffAuthorizer: HttpUserPoolAuthorizer;
}

/** Access log fields: enough to trace and debug a request, without IP address or user agent. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

export class PrivacyHttpApi extends Construct {
  readonly api: HttpApi;
  readonly functions: Record<string, PrivacyFunction> = {};
  readonly routes: Record<string, HttpRoute> = {};
  /** Function URLs of the routes CloudFront reaches without API Gateway (their edgeOrigin), by route path. */
  readonly functionUrls: Record<string, FunctionUrl> = {};

  constructor(scope: Construct, id: string, props: PrivacyHttpApiProps) {
    super(scope, id);
    const cors = corsSettings(props.settings);
    this.api = new HttpApi(this, 'Api', {
      apiName: `shop-privacy-${props.settings.name}`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: cors.allowOrigins,
        allowMethods: cors.allowMethods.map((m) => CorsHttpMethod[m]),
        allowHeaders: cors.allowHeaders,
        exposeHeaders: cors.exposeHeaders,
        maxAge: Duration.seconds(cors.maxAgeSeconds),
      },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, encryptionKey: logsKeyOf(this) });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.settings.throttle.defaultRate, burstLimit: props.settings.throttle.defaultBurst },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const iam = new HttpIamAuthorizer();
    // RouteSettings is a JSON map in CloudFormation, so its keys are spelled as the API expects them.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of props.routes ?? ROUTES) {
      const fn = this.functionFor(route, props);
      if (!servedByApiGateway(route)) {
        this.functionUrls[route.path] = this.functionUrlFor(route, fn, cors);
        continue;
      }
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn),
        ...(route.auth === 'iam' ? { authorizer: iam } : route.auth === 'staff' || route.auth === 'dpo' ? { authorizer: props.staffAuthorizer } : {}),
      });
      if (!httpRoute) throw new Error(`No route created for ${routeKey(route)}`);
      this.routes[route.id] = httpRoute;
      if (route.auth === 'public') {
        if (!route.publicBecause) throw new Error(`Public route ${routeKey(route)} must say why it is public (publicBecause)`);
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: route.publicBecause });
      }
      if (!route.throttle) throw new Error(`API route ${routeKey(route)} must declare its throttle`);
      routeSettings[routeKey(route)] = { ThrottlingRateLimit: route.throttle.rate, ThrottlingBurstLimit: route.throttle.burst };
    }
    (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    this.url = `https://${this.api.apiId}.execute-api.${this.api.stack.region}.${this.api.stack.urlSuffix}/`;
  }

  readonly url: string;

  /**
   * A public function URL for a route CloudFront calls directly (its edgeOrigin). Auth NONE: origin
   * access control would sign with a body hash header that navigator.sendBeacon cannot send; the
   * function refuses requests without the edge key instead (EDGE_KEY_REQUIRED). CORS as the API's.
   */
  private functionUrlFor(route: RouteDef, fn: PrivacyFunction, cors: ReturnType<typeof corsSettings>): FunctionUrl {
    if (route.auth !== 'public' || !route.publicBecause) throw new Error(`Edge-origin route ${routeKey(route)} must be public and say why (publicBecause)`);
    const url = fn.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      cors: {
        allowedOrigins: cors.allowOrigins,
        allowedMethods: [UrlMethod[route.method]],
        allowedHeaders: cors.allowHeaders,
        exposedHeaders: cors.exposeHeaders,
        maxAge: Duration.seconds(cors.maxAgeSeconds),
      },
    });
    // The two permissions Lambda needs for a URL with auth NONE (lambda:InvokeFunctionUrl and
    // lambda:InvokeFunction, principal *), on this function only.
    const reason = `The beacon URL is public by design: ${route.publicBecause} The function answers 403 to any request without the edge key CloudFront adds, before reading it; origin access control cannot be used (its signature needs a body hash header navigator.sendBeacon cannot send).`;
    for (const permission of fn.node.children.filter((c) => c instanceof CfnPermission && c.node.id.startsWith('invoke-function')))
      acknowledgeInPacks(permission, 'LambdaFunctionPublicAccessProhibited', reason);
    return url;
  }

  private functionFor(route: RouteDef, props: PrivacyHttpApiProps): PrivacyFunction {
    const fn = new PrivacyFunction(this, `${route.id[0]!.toUpperCase()}${route.id.slice(1)}Function`, {
      handlerPath: route.handler,
      description: `${routeKey(route)}: ${route.summary}`,
      logRetention: props.logRetention,
      commonEnvironment: props.commonEnvironment,
      environment: {
        PUBLIC_API_URL: props.settings.publicBaseUrl ?? this.api.apiEndpoint,
        ...(route.runtime?.requestLogSample !== undefined ? { REQUEST_LOG_SAMPLE: String(route.runtime.requestLogSample) } : {}),
        ...(servedByApiGateway(route) ? {} : { EDGE_KEY_REQUIRED: 'true' }),
      },
      ...(route.runtime?.memoryMb ? { memorySize: route.runtime.memoryMb } : {}),
      ...(route.runtime?.activeTracing === false ? { tracing: Tracing.DISABLED } : {}),
      // Sampled request logs: Lambda's own START/END/REPORT lines (about 300 bytes per invocation)
      // would cost more than the sampled lines saved; errors and the metrics stay.
      ...(route.runtime?.requestLogSample !== undefined ? { loggingFormat: LoggingFormat.JSON, systemLogLevelV2: SystemLogLevel.WARN } : {}),
      ...(route.uses.ispDatabase && props.settings.isp?.source === 'maxmind'
        ? { bundledFiles: { [basename(ASN_DATABASE_IN_BUNDLE)]: resolve(REPO_ROOT, props.settings.isp.database) } }
        : {}),
    });
    grantUses(fn, route.uses, props.data, props.settings);
    acknowledgeSynchronousFunction(fn, servedByApiGateway(route) ? 'API Gateway' : 'CloudFront at its function URL');
    if (route.runtime?.activeTracing === false) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason:
          'The storefront’s beacon route, the stack’s hot path: a trace per beacon would cost more than the beacon itself (npm run bench, cost model); errors are logged and Lambda’s metrics and alarms still cover it.',
      });
    }
    acknowledgeFunctionDesign(
      fn,
      route.throttle
        ? `Invoked only by API Gateway, which throttles this route to ${route.throttle.rate} requests/s (burst ${route.throttle.burst}); that bounds how many copies run at once.`
        : 'Invoked by CloudFront at its function URL (requests without the edge key are refused at once); the account\u2019s concurrency bounds how many copies run at once, and Lambda throttles beyond it.',
    );
    this.functions[route.id] = fn;
    return fn;
  }
}

/** Findings that do not apply to a function invoked synchronously (by API Gateway, or CloudFront at its URL). */
export function acknowledgeSynchronousFunction(fn: PrivacyFunction, invoker = 'API Gateway') {
  const reason = `Invoked synchronously by ${invoker}, never asynchronously: the caller gets the error, so there is nothing to send to a DLQ or failure destination.`;
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaAsyncFailureDestination', reason });
  acknowledgeInPacks(fn, 'LambdaDLQ', reason);
}
