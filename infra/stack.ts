/**
 * The privacy backend's one stack: the alarm topic, data stores, the staff user pool, then the HTTP
 * API built from the route table and the workers. Every alarm in it must notify the alarm topic (checked at synth).
 */
import { Aspects, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ROUTES, type RouteDef } from '../shared/routes';
import { WORKERS } from '../shared/workers';
import { Alerts, EveryAlarmNotifies } from './constructs/alerts';
import { ConsoleSite } from './constructs/console-site';
import { DataStores } from './constructs/data';
import { EventsOut } from './constructs/events-out';
import { FunctionBundles } from './constructs/function-bundles';
import { StorefrontEdge } from './constructs/edge';
import { PrivacyHttpApi } from './constructs/http-api';
import { PRE_TOKEN_HANDLER, StaffAuth } from './constructs/staff-auth';
import { Workers } from './constructs/workers';
import { commonEnvironment, type StageSettings } from './stage-config';

export interface PrivacyStackProps extends StackProps {
  settings: StageSettings;
  /** Defaults to the full route table; tests may pass a subset. */
  routes?: RouteDef[];
}

/** CloudWatch Logs accepts only certain retention values; pick the smallest that keeps at least `days`. */
export function retentionFor(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays)
    .filter((v): v is number => typeof v === 'number' && v > 0)
    .sort((a, b) => a - b);
  return (allowed.find((v) => v >= days) ?? RetentionDays.INFINITE) as RetentionDays;
}

export class PrivacyStack extends Stack {
  readonly alerts: Alerts;
  readonly data: DataStores;
  readonly http: PrivacyHttpApi;
  readonly staffAuth: StaffAuth;
  readonly workers: Workers;
  readonly console: ConsoleSite;
  readonly edge: StorefrontEdge;
  readonly eventsOut: EventsOut;

  constructor(scope: Construct, id: string, props: PrivacyStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const routes = props.routes ?? ROUTES;
    new FunctionBundles(this, { handlerPaths: [...[...routes, ...WORKERS].map((f) => f.handler), PRE_TOKEN_HANDLER] });
    const retain = settings.name === 'prod';
    this.alerts = new Alerts(this, 'Alerts', { subscribers: settings.alarmSubscribers, retain });
    Aspects.of(this).add(new EveryAlarmNotifies(this.alerts.topic));
    this.data = new DataStores(this, 'Data', { retain, alerts: this.alerts, partners: settings.partners ?? [] });
    this.eventsOut = new EventsOut(this, 'EventsOut', { bus: this.data.eventBus, consumers: settings.eventConsumers ?? [], alerts: this.alerts });
    this.staffAuth = new StaffAuth(this, 'StaffAuth', {
      retain,
      logRetention: retentionFor(settings.logRetentionDays),
      commonEnvironment: commonEnvironment(settings),
    });
    this.http = new PrivacyHttpApi(this, 'Http', {
      staffAuthorizer: this.staffAuth.authorizer,
      settings,
      data: this.data,
      commonEnvironment: commonEnvironment(settings),
      logRetention: retentionFor(settings.logRetentionDays),
      routes,
    });
    this.workers = new Workers(this, 'Workers', {
      settings,
      data: this.data,
      commonEnvironment: commonEnvironment(settings),
      logRetention: retentionFor(settings.logRetentionDays),
      publicUrl: settings.publicBaseUrl ?? this.http.api.apiEndpoint,
      alerts: this.alerts,
    });
    this.console = new ConsoleSite(this, 'Console', {
      apiId: this.http.api.apiId,
      userPoolId: this.staffAuth.userPool.userPoolId,
      clientId: this.staffAuth.client.userPoolClientId,
      stage: settings.name,
      accessLogs: this.data.accessLogs,
      retain,
    });
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The staff console (README: Staff console)' });
    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: this.workers.receiptRuleSet?.receiptRuleSetName ?? 'none',
      description: 'Activate with: aws ses set-active-receipt-rule-set --rule-set-name <this>',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'Alarms notify this topic; each subscriber confirms once (README: Alarms)',
    });
    new CfnOutput(this, 'EventBusName', { value: this.data.eventBus.eventBusName, description: 'The bus of events out (schemas in events/schemas/)' });
    new CfnOutput(this, 'ApiUrl', { value: this.http.api.apiEndpoint, description: 'Base URL of the HTTP API' });
    this.edge = new StorefrontEdge(this, 'Edge', { api: this.http.api, edgeKey: this.data.secrets.edgeKey, functionUrls: this.http.functionUrls });
    new CfnOutput(this, 'StorefrontUrl', {
      value: `https://${this.edge.distribution.distributionDomainName}`,
      description: 'What storefront pages call (data-api of the kit): CloudFront in front of the API',
    });
  }
}
