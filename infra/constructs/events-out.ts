/**
 * Events out (issue 14): one rule per consumer of the stage's `eventConsumers`, on the stack's own bus,
 * matching the event types that consumer asked for. Every consumer gets EventBridge's retries (per its
 * settings) and a dead-letter queue of its own whose alarm notifies the alarm topic, so an event a
 * system never received reaches a person. The consumers are configuration (cdk.json), not code.
 */
import { CfnOutput, Duration, SecretValue, Validations } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { ApiDestination, Authorization, Connection, type EventBus, HttpMethod, type IRuleTarget, Rule } from 'aws-cdk-lib/aws-events';
import { ApiDestination as ApiDestinationTarget, LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { ArnPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/domain/events-out';
import type { EventConsumer } from '../stage-config';
import type { Alerts } from './alerts';
import { acknowledgeInPacks } from './function-findings';

export interface EventsOutProps {
  bus: EventBus;
  consumers: readonly EventConsumer[];
  alerts: Alerts;
}

/** Logical ids from consumer ids ("shop-backend" -> "ShopBackend"). */
const pascal = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());

export interface ConsumerResources {
  rule: Rule;
  deadLetters: Queue;
  deadLetterAlarm: Alarm;
  /** For `sqs` consumers: the queue the system reads. */
  queue?: Queue;
}

export class EventsOut extends Construct {
  readonly consumers: Record<string, ConsumerResources> = {};

  constructor(scope: Construct, id: string, props: EventsOutProps) {
    super(scope, id);
    for (const consumer of props.consumers) {
      const name = pascal(consumer.id);
      const deadLetters = new Queue(this, `${name}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(deadLetters).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This is the dead-letter queue of the events for ${consumer.id}; its alarm notifies the stage\u2019s alarm subscribers through the alarm topic.`,
      });
      Validations.of(deadLetters).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This is itself a dead-letter queue; a person redrives it once the consumer is back.',
      });
      const deadLetterAlarm = props.alerts.alarm(this, `${name}DeadLettersAlarm`, {
        alarmDescription: `Events for ${consumer.id} could not be delivered (or processed) after retries and wait on its dead-letter queue; that system has not acted on them.`,
        metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const delivery = { deadLetterQueue: deadLetters, retryAttempts: consumer.retries, maxEventAge: Duration.hours(consumer.maxEventAgeHours) };

      let queue: Queue | undefined;
      let target: IRuleTarget;
      /** Findings on what the target creates only once its rule binds it (the API destination's role). */
      let afterBind: (() => void) | undefined;
      switch (consumer.target.kind) {
        case 'sqs': {
          queue = new Queue(this, `${name}Queue`, {
            encryption: QueueEncryption.SQS_MANAGED,
            enforceSSL: true,
            retentionPeriod: Duration.days(14),
            // A message the system fails to process 5 times joins the undeliverable ones.
            deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
          });
          if (consumer.target.readerRoleArn) {
            queue.addToResourcePolicy(
              new PolicyStatement({
                principals: [new ArnPrincipal(consumer.target.readerRoleArn)],
                actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
                resources: [queue.queueArn],
              }),
            );
          }
          new CfnOutput(this, `${name}QueueUrl`, { value: queue.queueUrl, description: `Events for ${consumer.id} arrive on this queue` });
          target = new SqsQueue(queue, delivery);
          break;
        }
        case 'lambda': {
          // sameEnvironment: the function is this account's (checked by the settings), so the stack
          // adds the permission for this rule to invoke it.
          const fn = LambdaFn.fromFunctionAttributes(this, `${name}Function`, { functionArn: consumer.target.functionArn, sameEnvironment: true });
          target = new LambdaFunction(fn, delivery);
          break;
        }
        case 'https': {
          const connection = new Connection(this, `${name}Connection`, {
            description: `Auth of the events endpoint of ${consumer.id}`,
            authorization: Authorization.apiKey(consumer.target.header, SecretValue.secretsManager(consumer.target.secretArn)),
          });
          const destination = new ApiDestination(this, `${name}Destination`, {
            description: `Events endpoint of ${consumer.id}`,
            connection,
            endpoint: consumer.target.endpoint,
            httpMethod: HttpMethod.POST,
            ...(consumer.target.ratePerSecond ? { rateLimitPerSecond: consumer.target.ratePerSecond } : {}),
          });
          target = new ApiDestinationTarget(destination, delivery);
          // The target makes its own role (events:InvokeApiDestination on this destination only) once bound.
          afterBind = () => {
            const role = destination.node.tryFindChild('EventsRole');
            const policy = role?.node.tryFindChild('DefaultPolicy');
            if (policy)
              acknowledgeInPacks(
                policy,
                'IAMNoInlinePolicy',
                `This role is EventBridge\u2019s for the ${consumer.id} destination alone, allowed only to invoke that destination; inline keeps the statement attached to that one role and deleted with it.`,
              );
          };
          break;
        }
      }
      const rule = new Rule(this, `${name}Rule`, {
        eventBus: props.bus,
        description: `Events out for ${consumer.id}: ${consumer.events.join(', ')}`.slice(0, 512),
        eventPattern: { source: [EVENT_SOURCE], detailType: [...consumer.events] },
        targets: [target],
      });
      afterBind?.();
      this.consumers[consumer.id] = { rule, deadLetters, deadLetterAlarm, ...(queue ? { queue } : {}) };
    }
  }
}
