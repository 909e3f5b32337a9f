/**
 * Where alarms go: one SNS topic per stage, encrypted with its own KMS key and reachable over TLS
 * only, with the stage's `alarmSubscribers` (e-mail, HTTPS or SMS). Alarms are made with
 * `alerts.alarm(...)`, which attaches the topic; the `EveryAlarmNotifies` aspect fails the synth
 * if any alarm in the stack (made some other way, by a later construct) does not notify it.
 */
import { Annotations, Aws, type IAspect, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, type AlarmProps, CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

export interface AlertsProps {
  /** From the stage settings: e-mail addresses, `https://` URLs, `+<E.164>` phone numbers. */
  subscribers: readonly string[];
  retain: boolean;
}

export type SubscriberKind = 'email' | 'https' | 'sms';

/** The stage settings have already checked the shape; this only tells the three kinds apart. */
export function subscriberKind(subscriber: string): SubscriberKind {
  if (subscriber.startsWith('https://')) return 'https';
  if (subscriber.startsWith('+')) return 'sms';
  return 'email';
}

export class Alerts extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    const alarmsOfThisAccount = `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`;
    // A customer key, not alias/aws/sns: CloudWatch cannot use the AWS-managed SNS key, and an alarm
    // publishing to a topic it cannot encrypt for fails silently (only the alarm history shows it).
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the alarm topic; CloudWatch alarms may use it to publish.',
      enableKeyRotation: true,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': alarmsOfThisAccount }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: `Shop privacy alarms (${Stack.of(this).stackName})`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, so CloudWatch needs its own allow (this account's alarms only).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccountPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': alarmsOfThisAccount },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    for (const subscriber of props.subscribers) {
      const kind = subscriberKind(subscriber);
      const subscription = this.topic.addSubscription(
        kind === 'https' ? new UrlSubscription(subscriber) : kind === 'sms' ? new SmsSubscription(subscriber) : new EmailSubscription(subscriber),
      );
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'A notification SNS cannot deliver is not a lost alarm: the alarm stays in ALARM with its history in CloudWatch, and the queue it watches keeps the failed jobs. A dead-letter queue for undelivered notifications would be one more queue nobody is told about.',
      });
    }
  }

  /** An alarm that notifies the topic when it fires. */
  alarm(scope: Construct, id: string, props: AlarmProps): Alarm {
    const alarm = new Alarm(scope, id, props);
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }
}

/** Fails the synth (an error annotation) for any alarm in scope that does not notify the topic. */
export class EveryAlarmNotifies implements IAspect {
  constructor(private readonly topic: Topic) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnAlarm)) return;
    // The L2 Alarm fills its actions lazily, so compare resolved values (the topic's ARN is a Ref).
    const stack = Stack.of(node);
    const actions: unknown[] = stack.resolve(node.alarmActions) ?? [];
    const topicArn = JSON.stringify(stack.resolve(this.topic.topicArn));
    const notifies = actions.some((a) => JSON.stringify(a) === topicArn);
    if (!notifies || node.actionsEnabled === false) {
      Annotations.of(node).addError(`Alarm ${node.node.path} notifies no one: create it with Alerts.alarm() so the alarm topic is its action.`);
    }
  }
}
