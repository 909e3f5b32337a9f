/**
 * Functions that are not behind the API, built from shared/workers.ts: the inbound-mail handler
 * behind an SES receipt rule (raw mail to S3 first, then the Lambda), scheduled jobs, and the stream
 * worker behind DynamoDB Streams. Every asynchronous invocation retries twice, and a stream batch ten
 * times, and then lands on a failure queue that raises an alarm.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { ReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType, S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUCKETS, TABLES } from '../../shared/resources';
import { WORKERS, type WorkerDef } from '../../shared/workers';
import type { StageSettings } from '../stage-config';
import type { Alerts } from './alerts';
import type { DataStores } from './data';
import { acknowledgeFunctionDesign, acknowledgeInPacks } from './function-findings';
import { grantUses } from './grants';
import { PrivacyFunction } from './privacy-function';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

export interface WorkersProps {
  settings: StageSettings;
  data: DataStores;
  commonEnvironment: Record<string, string>;
  logRetention: RetentionDays;
  publicUrl: string;
  alerts: Alerts;
  workers?: WorkerDef[];
}

/** What limits how many copies of a worker run at once, from its trigger. */
function concurrencyBound(trigger: WorkerDef['trigger']): string {
  switch (trigger.kind) {
    case 'schedule':
      return `Runs once per schedule tick (${trigger.expression}), plus at most two retries.`;
    case 'queue':
      return `Runs per batch of ${trigger.batchSize} from the ${trigger.queue} queue, which holds about one job per open request (each deadline chain has one message in flight); work beyond that waits in the queue.`;
    case 'stream':
      return `Runs per batch of up to ${trigger.batchSize} records, one batch at a time per stream shard of the ${trigger.tables.join(', ')} tables: a shard's records wait for the batch before them.`;
    case 'ses':
      return 'Runs once per mail received at the request address; asynchronous invocations Lambda cannot start at once wait in its internal queue rather than fail.';
  }
}

export class Workers extends Construct {
  readonly functions: Record<string, PrivacyFunction> = {};
  readonly failures: Queue;
  readonly failureAlarm: Alarm;
  readonly receiptRuleSet?: ReceiptRuleSet;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    this.failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the end of the line for failed asynchronous invocations; its alarm notifies the stage\u2019s alarm subscribers through the alarm topic, and a person looks at it.',
    });
    Validations.of(this.failures).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'Failure queue for asynchronous invocations and stream batches, not a work queue: nothing consumes it to redrive from.',
    });
    this.failureAlarm = props.alerts.alarm(this, 'FailuresAlarm', {
      alarmDescription:
        'An inbound mail or a scheduled job failed after retries, or a batch of table changes could not be published as events: the event (or the stream position) is on the failure queue. The raw mail is still in S3; republish stream records within 24 h of the change, while the stream holds them.',
      metric: this.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    for (const worker of props.workers ?? WORKERS) {
      const fn = new PrivacyFunction(this, `${worker.id[0]!.toUpperCase()}${worker.id.slice(1)}Function`, {
        handlerPath: worker.handler,
        description: worker.summary,
        logRetention: props.logRetention,
        commonEnvironment: props.commonEnvironment,
        environment: { PUBLIC_API_URL: props.publicUrl },
        timeout: Duration.seconds(worker.timeoutSeconds),
        ...(worker.memoryMb ? { memorySize: worker.memoryMb } : {}),
        // Asynchronous invocations only: a stream worker is never invoked so, and its mappings have their own.
        ...(worker.trigger.kind === 'stream' ? {} : { retryAttempts: 2, onFailure: new SqsDestination(this.failures) }),
      });
      const failures =
        worker.trigger.kind === 'queue'
          ? `Invoked by the ${worker.trigger.queue} queue\u2019s event source mapping, never asynchronously: a failed message is retried by SQS and then moved by the queue\u2019s redrive policy to its dead-letter queue, which has an alarm.`
          : worker.trigger.kind === 'stream'
            ? 'Invoked by DynamoDB Streams event source mappings, never asynchronously: a failed batch is retried and bisected, then its position goes to the mappings\u2019 on-failure queue, which has an alarm.'
            : 'Uses an on-failure destination (the failure queue, which has an alarm) instead of the older DLQ setting: it carries the event and the error.';
      Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: failures });
      acknowledgeInPacks(fn, 'LambdaDLQ', failures);
      acknowledgeFunctionDesign(fn, concurrencyBound(worker.trigger));
      grantUses(fn, worker.uses, props.data, props.settings, props.alerts);
      this.functions[worker.id] = fn;

      if (worker.trigger.kind === 'queue') {
        fn.addEventSource(new SqsEventSource(props.data.queues[worker.trigger.queue], { batchSize: worker.trigger.batchSize, reportBatchItemFailures: true }));
        Validations.of(fn).acknowledge({
          id: 'Serverless-LambdaEventSourceMappingDestination',
          reason:
            'Failed messages are retried by SQS and then moved by the queue\u2019s redrive policy to its dead-letter queue (with an alarm); an extra mapping destination would split the failures in two places.',
        });
      } else if (worker.trigger.kind === 'stream') {
        this.addStreams(fn, worker.trigger, props);
      } else if (worker.trigger.kind === 'schedule') {
        new Rule(this, `${worker.id}Schedule`, {
          description: worker.summary,
          schedule: Schedule.expression(worker.trigger.expression),
          targets: [new LambdaFunction(fn, { deadLetterQueue: this.failures, retryAttempts: 2 })],
        });
      } else {
        // Only one receipt rule set is active per account and region: devops activate this one (README).
        const ruleSet = new ReceiptRuleSet(this, 'ReceiptRules', {});
        ruleSet.addRule('PrivacyRequests', {
          recipients: [props.settings.requestAddress],
          scanEnabled: true,
          actions: [
            new S3Action({ bucket: props.data.buckets.inboundMail, objectKeyPrefix: BUCKETS.inboundMail.keyPrefix }),
            new LambdaAction({ function: fn, invocationType: LambdaInvocationType.EVENT }),
          ],
        });
        (this as { receiptRuleSet?: ReceiptRuleSet }).receiptRuleSet = ruleSet;
      }
    }
  }

  /**
   * One event source mapping per table. A batch whose events were not all published fails as a whole
   * and is retried (halved each time, so one bad record is isolated); after the retries its position
   * goes to the failure queue, whose alarm reaches a person while the stream (24 h) still holds the
   * records. Retries stop after 12 h for that reason, leaving half of the stream's retention to act.
   */
  private addStreams(fn: PrivacyFunction, trigger: Extract<WorkerDef['trigger'], { kind: 'stream' }>, props: WorkersProps) {
    for (const key of trigger.tables) {
      const table = props.data.tables[key];
      // The name only, to tell the records apart (change-events.ts); no table action is granted.
      fn.addEnvironment(TABLES[key].envVar, table.tableName);
      fn.addEventSource(
        new DynamoEventSource(table, {
          // From the oldest record the stream holds: a change written before the mapping existed is not skipped.
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: trigger.batchSize,
          bisectBatchOnError: true,
          retryAttempts: 10,
          maxRecordAge: Duration.hours(12),
          onFailure: new SqsDlq(this.failures),
          ...(trigger.batchingWindowSeconds ? { maxBatchingWindow: Duration.seconds(trigger.batchingWindowSeconds) } : {}),
          // Filtered out by the mapping, deletions (erasure, TTL expiry) cost no invocation at all.
          ...(trigger.ignoreRemoves ? { filters: [FilterCriteria.filter({ eventName: FilterRule.or('INSERT', 'MODIFY') })] } : {}),
        }),
      );
    }
  }
}
