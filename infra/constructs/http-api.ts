/**
 * The HTTP API, built from the route table: one function per route, IAM authorisation for machine
 * routes (storefront backend, newsletter sender, partners), the staff pool's JWT authoriser for
 * people routes (`staff`, `dpo`; the group is checked by the route middleware), JSON access logs, and throttling per route so a flood on one public
 * route cannot starve the others (the account's request quota is shared by every API in the region).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod, type HttpRoute, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpIamAuthorizer, type HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, routeKey, type RouteDef } from '../../shared/routes';
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
      routeSettings[routeKey(route)] = { ThrottlingRateLimit: route.throttle.rate, ThrottlingBurstLimit: route.throttle.burst };
    }
    (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    this.url = `https://${this.api.apiId}.execute-api.${this.api.stack.region}.${this.api.stack.urlSuffix}/`;
  }

  readonly url: string;

  private functionFor(route: RouteDef, props: PrivacyHttpApiProps): PrivacyFunction {
    const fn = new PrivacyFunction(this, `${route.id[0]!.toUpperCase()}${route.id.slice(1)}Function`, {
      handlerPath: route.handler,
      description: `${routeKey(route)}: ${route.summary}`,
      logRetention: props.logRetention,
      commonEnvironment: props.commonEnvironment,
      environment: { PUBLIC_API_URL: props.settings.publicBaseUrl ?? this.api.apiEndpoint },
      ...(route.uses.ispDatabase && props.settings.isp?.source === 'maxmind'
        ? { bundledFiles: { [basename(ASN_DATABASE_IN_BUNDLE)]: resolve(REPO_ROOT, props.settings.isp.database) } }
        : {}),
    });
    grantUses(fn, route.uses, props.data, props.settings);
    acknowledgeSynchronousFunction(fn);
    acknowledgeFunctionDesign(
      fn,
      `Invoked only by API Gateway, which throttles this route to ${route.throttle.rate} requests/s (burst ${route.throttle.burst}); that bounds how many copies run at once.`,
    );
    this.functions[route.id] = fn;
    return fn;
  }
}

/** Findings that do not apply to a function API Gateway invokes synchronously. */
export function acknowledgeSynchronousFunction(fn: PrivacyFunction) {
  const reason =
    'Invoked synchronously by API Gateway, never asynchronously: the caller gets the error, so there is nothing to send to a DLQ or failure destination.';
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaAsyncFailureDestination', reason });
  acknowledgeInPacks(fn, 'LambdaDLQ', reason);
}
