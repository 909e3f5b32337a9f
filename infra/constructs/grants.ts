/**
 * Grants a function exactly what its declaration (route or worker) says it uses, and sets the
 * environment that tells it where those things are. One place, so the IAM policy and the code's
 * needs cannot drift apart.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EVENT_SOURCE } from '../../shared/domain/events-out';
import {
  ALARM_TOPIC,
  BUCKETS,
  EVENT_BUS,
  PARTNER_SECRETS,
  QUEUES,
  SECRETS,
  TABLES,
  type BucketKey,
  type QueueKey,
  type SecretKey,
  type TableDef,
  type TableKey,
} from '../../shared/resources';
import type { FunctionUses } from '../../shared/routes';
import type { StageSettings } from '../stage-config';
import type { Alerts } from './alerts';
import type { DataStores } from './data';
import type { PrivacyFunction } from './privacy-function';

export function grantUses(fn: PrivacyFunction, uses: FunctionUses, data: DataStores, settings: StageSettings, alerts?: Alerts) {
  for (const [key, actions] of Object.entries(uses.tables ?? {}) as [TableKey, string[]][]) {
    const table = data.tables[key];
    const def = TABLES[key] as TableDef;
    fn.addEnvironment(def.envVar, table.tableName);
    const indexArns = actions.includes('Query') ? (def.indexes ?? []).map((ix) => `${table.tableArn}/index/${ix.name}`) : [];
    fn.addToRolePolicy(new PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [table.tableArn, ...indexArns] }));
  }
  for (const key of uses.secrets ?? ([] as SecretKey[])) {
    const secret = data.secrets[key];
    fn.addEnvironment(SECRETS[key].arnEnvVar, secret.secretArn);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
  }
  const partnerSecrets = Object.entries(data.partnerSecrets);
  if (uses.partnerKeys && partnerSecrets.length) {
    fn.addEnvironment(PARTNER_SECRETS.arnsEnvVar, JSON.stringify(Object.fromEntries(partnerSecrets.map(([id, s]) => [id, s.secretArn]))));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: partnerSecrets.map(([, s]) => s.secretArn) }));
  }
  for (const [key, modes] of Object.entries(uses.buckets ?? {}) as [BucketKey, ('read' | 'write')[]][]) {
    const bucket = data.buckets[key];
    fn.addEnvironment(BUCKETS[key].envVar, bucket.bucketName);
    const actions = [...(modes.includes('read') ? ['s3:GetObject'] : []), ...(modes.includes('write') ? ['s3:PutObject'] : [])];
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: [bucket.arnForObjects(`${BUCKETS[key].keyPrefix}*`)] }));
    const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket);
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${BUCKETS[key].keyPrefix}*]`,
      reason: `Object keys are per mail or per request, so the grant names the ${BUCKETS[key].keyPrefix} prefix of this one bucket, with only ${actions.join(' and ')}.`,
    });
  }
  for (const key of Object.keys(uses.queues ?? {}) as QueueKey[]) {
    const queue = data.queues[key];
    fn.addEnvironment(QUEUES[key].envVar, queue.queueUrl);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  }
  if (uses.alarmTopic) {
    if (!alerts) throw new Error(`${fn.node.path} publishes to the alarm topic, but no topic was passed`);
    fn.addEnvironment(ALARM_TOPIC.envVar, alerts.topic.topicArn);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [alerts.topic.topicArn] }));
    // The topic is encrypted with its own key: publishing needs a data key from it, nothing more.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [alerts.key.keyArn] }));
  }
  if (uses.publishesEvents) {
    fn.addEnvironment(EVENT_BUS.envVar, data.eventBus.eventBusName);
    // PutEvents on this one bus only; the source is fixed too, so no function can pose as another system.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [data.eventBus.eventBusArn],
        conditions: { StringEquals: { 'events:source': EVENT_SOURCE } },
      }),
    );
  }
  if (uses.sendsMail) {
    const { region, account } = Stack.of(fn);
    const domain = settings.senderAddress.split('@')[1];
    // SES authorises a send on the From identity (address or its domain); nothing else.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [`arn:aws:ses:${region}:${account}:identity/${settings.senderAddress}`, `arn:aws:ses:${region}:${account}:identity/${domain}`],
      }),
    );
  }
}
