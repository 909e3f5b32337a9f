/**
 * The stateful resources, built from shared/resources.ts: DynamoDB tables (on demand, point-in-time
 * recovery, encrypted with the AWS-managed KMS key), the secrets, the buckets (versioned, with old
 * versions expiring soon after), the queues with their dead-letter alarms, and the bus of events out. Exposed read-only to
 * the rest of the stack, which grants each function only the actions its route declares.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableClass, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import {
  BUCKETS,
  EVENT_BUS,
  QUEUES,
  SECRETS,
  TABLES,
  type QueueKey,
  type BucketKey,
  type KeyDef,
  type SecretKey,
  type TableDef,
  type TableKey,
} from '../../shared/resources';
import { streamedTables, streamViewOf } from '../../shared/workers';
import type { Alerts } from './alerts';

/**
 * Days an overwritten or deleted object version is kept. Short because these objects are personal
 * data: an erasure (or the lifecycle expiry) deletes the current version, and the old one is gone a
 * day later; long enough to undo an accidental overwrite or delete in the meantime.
 */
export const NONCURRENT_VERSION_DAYS = 1;

const attr = (k: KeyDef) => ({ name: k.name, type: k.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });

export class DataStores extends Construct {
  readonly tables: Readonly<Record<TableKey, TableV2>>;
  readonly secrets: Readonly<Record<SecretKey, Secret>>;
  /** One key per joint-marketing partner of the stage (policy 5), by partner id. */
  readonly partnerSecrets: Readonly<Record<string, Secret>>;
  readonly buckets: Readonly<Record<BucketKey, Bucket>>;
  /** Server access logs of the buckets (and the console's CloudFront logs: ACLs stay enabled for them). */
  readonly accessLogs: Bucket;
  readonly queues: Readonly<Record<QueueKey, Queue>>;
  readonly deadLetterAlarms: Readonly<Record<QueueKey, Alarm>>;
  /** The stack's own bus of events out; its consumers are built by EventsOut from the stage settings. */
  readonly eventBus: EventBus;

  constructor(scope: Construct, id: string, props: { retain: boolean; alerts: Alerts; partners?: readonly { id: string }[] }) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const streamed = new Set(streamedTables());
    this.tables = Object.fromEntries(
      (Object.entries(TABLES) as [TableKey, TableDef][]).map(([key, def]) => {
        const table = new TableV2(this, def.id, {
          partitionKey: attr(def.partitionKey),
          ...(def.sortKey ? { sortKey: attr(def.sortKey) } : {}),
          billing: Billing.onDemand(),
          encryption: TableEncryptionV2.awsManagedKey(),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: def.noPointInTimeRecoveryBecause === undefined },
          ...(def.infrequentAccessBecause ? { tableClass: TableClass.STANDARD_INFREQUENT_ACCESS } : {}),
          deletionProtection: props.retain,
          removalPolicy,
          ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
          // Old and new images where a worker compares the two (a suppression, a closed request); new only for visits.
          ...(streamed.has(key) ? { dynamoStream: StreamViewType[streamViewOf(key)] } : {}),
          globalSecondaryIndexes: (def.indexes ?? []).map((ix) => ({
            indexName: ix.name,
            partitionKey: attr(ix.partitionKey),
            ...(ix.sortKey ? { sortKey: attr(ix.sortKey) } : {}),
          })),
        });
        if (def.noPointInTimeRecoveryBecause) {
          for (const rule of ['AwsSolutions-DDB3', 'HIPAA.Security-DynamoDBPITREnabled', 'NIST.800.53.R5-DynamoDBPITREnabled']) {
            Validations.of(table).acknowledge({ id: rule, reason: def.noPointInTimeRecoveryBecause });
          }
        }
        return [key, table];
      }),
    ) as Record<TableKey, TableV2>;

    this.secrets = Object.fromEntries(
      Object.entries(SECRETS).map(([key, def]) => {
        const secret = new Secret(this, def.id, {
          description: def.purpose,
          generateSecretString: { passwordLength: 64, excludePunctuation: true },
          removalPolicy,
        });
        acknowledgeHmacKeySecret(secret, WHY_NO_ROTATION[key as SecretKey]);
        return [key, secret];
      }),
    ) as Record<SecretKey, Secret>;

    // Each partner gets its own key, handed over out of band: one partner's key says nothing about
    // another's customers, and a partner can be cut off by deleting its secret alone.
    this.partnerSecrets = Object.fromEntries(
      (props.partners ?? []).map(({ id: partnerId }) => {
        const secret = new Secret(this, `PartnerKey-${partnerId}`, {
          description: `HMAC key of joint-marketing partner "${partnerId}" for the keyed e-mail hash of membership checks (policy 5).`,
          generateSecretString: { passwordLength: 64, excludePunctuation: true },
          removalPolicy,
        });
        acknowledgeHmacKeySecret(
          secret,
          'A partner\u2019s HMAC key, not a credential for another service: there is no rotation target, and rotating it invalidates every hash the partner holds. Rotate by hand, with the partner, when compromised.',
        );
        return [partnerId, secret];
      }),
    );

    // Server access logs of the data buckets go here; this bucket cannot log into itself.
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects: false,
    });
    this.accessLogs = accessLogs;
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the data buckets; logging it into itself would loop.',
    });
    for (const rule of ['HIPAA.Security-S3BucketVersioningEnabled', 'NIST.800.53.R5-S3BucketVersioningEnabled']) {
      Validations.of(accessLogs).acknowledge({
        id: rule,
        reason:
          'Only S3 log delivery writes here, each log object once under a new key and never overwritten; versions would protect nothing and keep logs past their 90-day expiry.',
      });
    }
    for (const rule of ['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS']) {
      Validations.of(accessLogs).acknowledge({
        id: rule,
        reason: 'S3 server access log delivery supports only SSE-S3 (AES-256) on the target bucket, not SSE-KMS.',
      });
    }
    acknowledgeSingleRegion(accessLogs, 'Access logs of the data buckets, kept 90 days for investigations; they describe buckets in this same region.');

    this.buckets = Object.fromEntries(
      (Object.entries(BUCKETS) as [BucketKey, (typeof BUCKETS)[BucketKey]][]).map(([key, def]) => [
        key,
        new Bucket(this, def.id, {
          // SSE-S3: SES can write to it without a key policy; objects are short-lived personal data.
          encryption: BucketEncryption.S3_MANAGED,
          enforceSSL: true,
          blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
          objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
          // Versioned so an overwrite or delete by mistake can be undone for a day; the old versions then
          // expire, so an object is gone at most NONCURRENT_VERSION_DAYS after its expiry or erasure.
          versioned: true,
          lifecycleRules: [
            { expiration: Duration.days(def.expireAfterDays), noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS) },
            // Separate rule: S3 refuses ExpiredObjectDeleteMarker beside an expiry in days.
            { expiredObjectDeleteMarker: true },
          ],
          serverAccessLogsBucket: accessLogs,
          serverAccessLogsPrefix: `${def.id}/`,
          removalPolicy,
        }),
      ]),
    ) as Record<BucketKey, Bucket>;
    for (const [key, bucket] of Object.entries(this.buckets) as [BucketKey, Bucket][]) {
      for (const rule of ['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS']) {
        Validations.of(bucket).acknowledge({
          id: rule,
          reason:
            'SSE-S3 (AES-256) at rest: the SES receipt rule writes raw mail without a key grant, and export links are presigned GETs that SSE-KMS would make depend on the signer\u2019s kms:Decrypt. Objects live days, readable only by the functions granted this prefix.',
        });
      }
      acknowledgeSingleRegion(bucket, WHY_ONE_REGION[key]);
    }

    const alarms = {} as Record<QueueKey, Alarm>;
    this.queues = Object.fromEntries(
      (Object.entries(QUEUES) as [QueueKey, (typeof QUEUES)[QueueKey]][]).map(([key, def]) => {
        const dlq = new Queue(this, `${def.id}DeadLetters`, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
        Validations.of(dlq).acknowledge({
          id: 'AwsSolutions-SQS3',
          reason: `This is the dead-letter queue of the ${def.id} queue; its alarm notifies the stage\u2019s alarm subscribers through the alarm topic.`,
        });
        Validations.of(dlq).acknowledge({
          id: 'Serverless-SQSRedrivePolicy',
          reason: 'This is itself a dead-letter queue; nothing consumes it to redrive from.',
        });
        alarms[key] = props.alerts.alarm(this, `${def.id}DeadLettersAlarm`, {
          alarmDescription: `A ${def.id} job failed ${def.maxReceiveCount} times and is on the dead-letter queue; the hourly sweep restarts its chain, but look at why.`,
          metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
        const queue = new Queue(this, def.id, {
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
          deadLetterQueue: { queue: dlq, maxReceiveCount: def.maxReceiveCount },
        });
        return [key, queue];
      }),
    ) as Record<QueueKey, Queue>;
    this.deadLetterAlarms = alarms;

    this.eventBus = new EventBus(this, EVENT_BUS.id, { description: EVENT_BUS.purpose.slice(0, 512) });
  }
}

/** Why each generated key is rotated by hand rather than by a rotation function. */
const WHY_NO_ROTATION: Record<SecretKey, string> = {
  tokenKey:
    'An HMAC key, not a credential for another service: there is no rotation target, and rotating it invalidates every outstanding token (consent cookies, mailed links). Rotate by hand (new secret version) when compromised.',
  edgeKey:
    'A value shared by the CloudFront distribution (origin header) and the beacon function, not a credential for another service: CloudFormation writes it into the distribution at deploy, so a rotation is a new secret version followed by a deploy.',
  reportKey:
    'An HMAC key, not a credential for another service: it keys the visitor hashes report partials keep until their day closes. Rotating it by hand (new secret version) only splits the distinct counts of the day it happens on.',
};

/** Why each data bucket is not replicated: what it holds is short-lived and kept elsewhere too. */
const WHY_ONE_REGION: Record<BucketKey, string> = {
  inboundMail: `Raw mail is kept only for the handler, its retries and a look at failures (${BUCKETS.inboundMail.expireAfterDays} days); what a mail asked for is recorded in the requests table, which has point-in-time recovery.`,
  exports: `An access export is rebuilt from the tables (point-in-time recovery) whenever it is asked for again; each lives ${BUCKETS.exports.expireAfterDays} days.`,
};

/** Replication findings: these buckets stay in one region on purpose. */
function acknowledgeSingleRegion(bucket: Bucket, why: string) {
  for (const rule of ['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled']) {
    Validations.of(bucket).acknowledge({
      id: rule,
      reason: `${why} A replica in another region would be one more copy of personal data that expiry and erasure must reach.`,
    });
  }
}

/** The findings every generated HMAC key secret of this stack shares, acknowledged on that secret with what is true of it. */
function acknowledgeHmacKeySecret(secret: Secret, whyNoRotation: string) {
  for (const rule of ['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerRotationEnabled']) {
    Validations.of(secret).acknowledge({ id: rule, reason: whyNoRotation });
  }
  const awsManagedKey =
    'Encrypted with the AWS-managed aws/secretsmanager key, usable only through Secrets Manager in this account; IAM grants GetSecretValue on this secret only to the functions whose declaration names it, so a customer key would add a second policy to keep in step without narrowing who can read it.';
  for (const rule of ['HIPAA.Security-SecretsManagerUsingKMSKey', 'NIST.800.53.R5-SecretsManagerUsingKMSKey']) {
    Validations.of(secret).acknowledge({ id: rule, reason: awsManagedKey });
  }
}
