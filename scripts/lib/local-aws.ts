/**
 * Points the AWS SDK at the emulator and creates the stack's resources there from the same
 * definitions the CDK stack uses (shared/resources.ts).
 */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand, type AttributeDefinition } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, ResourceAlreadyExistsException } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/adapters/dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { EVENT_SOURCE } from '../../shared/domain/events-out';
import { ALARM_TOPIC, BUCKETS, EVENT_BUS, PARTNER_SECRETS, QUEUES, SECRETS, TABLES, type TableDef, type TableKey } from '../../shared/resources';
import { commonEnvironment, type StageSettings } from '../../infra/stage-config';
import { streamedTables, streamViewOf } from '../../shared/workers';
import { createStaffPool, useLocalStaffAuth } from './local-staff-auth';

/** Dummy credentials and a region: the emulator accepts anything, the SDK insists on something. */
export function useEmulator(endpoint: string) {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION ??= 'ap-southeast-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

function attributeDefinitions(def: TableDef): AttributeDefinition[] {
  const keys = [def.partitionKey, def.sortKey, ...(def.indexes ?? []).flatMap((ix) => [ix.partitionKey, ix.sortKey])];
  const unique = new Map<string, AttributeDefinition>();
  for (const k of keys) if (k) unique.set(k.name, { AttributeName: k.name, AttributeType: k.type });
  return [...unique.values()];
}

/** Creates every table (idempotent) named `<prefix>-<id>` and sets the env var handlers read. */
export async function createTables(prefix: string, client = new DynamoDBClient({})): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  const streamed = new Set<string>(streamedTables());
  for (const [key, def] of Object.entries(TABLES) as [string, TableDef][]) {
    const name = `${prefix}-${def.id}`;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributeDefinitions(def),
          KeySchema: [
            { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
            ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
          ],
          // The tables a stream worker reads stream here as in the stack (the local poller reads them).
          ...(streamed.has(key) ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewOf(key as TableKey) } } : {}),
          ...(def.indexes?.length
            ? {
                GlobalSecondaryIndexes: def.indexes.map((ix) => ({
                  IndexName: ix.name,
                  KeySchema: [
                    { AttributeName: ix.partitionKey.name, KeyType: 'HASH' as const },
                    ...(ix.sortKey ? [{ AttributeName: ix.sortKey.name, KeyType: 'RANGE' as const }] : []),
                  ],
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
        }),
      );
      if (def.ttlAttribute) {
        await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }));
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    names[def.envVar] = name;
    process.env[def.envVar] = name;
  }
  return names;
}

/** Creates the buckets (idempotent) named `<prefix>-<id>` and sets the env vars handlers read. */
export async function createBuckets(prefix: string, client = new S3Client({ forcePathStyle: true })): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const def of Object.values(BUCKETS)) {
    const name = `${prefix}-${def.id}`.toLowerCase();
    try {
      await client.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: process.env.AWS_REGION as never } }));
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
    }
    names[def.envVar] = name;
    process.env[def.envVar] = name;
  }
  return names;
}

/** Creates each queue with its dead-letter queue and redrive policy, as the stack does, and sets the env vars. */
export async function createQueues(prefix: string, client = new SQSClient({})): Promise<Record<string, { url: string; deadLetterUrl: string }>> {
  const out: Record<string, { url: string; deadLetterUrl: string }> = {};
  for (const def of Object.values(QUEUES)) {
    const { QueueUrl: deadLetterUrl } = await client.send(new CreateQueueCommand({ QueueName: `${prefix}-${def.id}-dlq` }));
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }));
    const { QueueUrl: url } = await client.send(
      new CreateQueueCommand({
        QueueName: `${prefix}-${def.id}`,
        Attributes: {
          VisibilityTimeout: String(def.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: def.maxReceiveCount }),
        },
      }),
    );
    out[def.envVar] = { url: url!, deadLetterUrl: deadLetterUrl! };
    process.env[def.envVar] = url!;
  }
  return out;
}

/** Creates the alarm topic (idempotent: SNS returns the existing one) and sets the env var handlers read. */
export async function createAlarmTopic(prefix: string, client = new SNSClient({})): Promise<string> {
  const { TopicArn } = await client.send(new CreateTopicCommand({ Name: `${prefix}-${ALARM_TOPIC.id}` }));
  process.env[ALARM_TOPIC.envVar] = TopicArn!;
  return TopicArn!;
}

/** The local queue every published event is copied to: what `npm run events` reads. */
export const PUBLISHED_EVENTS_QUEUE = 'events-published';

/**
 * The bus of events out, as the stack builds it, with each `sqs` consumer of the stage getting its
 * queue (`<prefix>-events-<id>`) and rule; other consumer kinds have no local stand-in. One more rule
 * copies every event to the published-events queue. Idempotent; sets EVENT_BUS_NAME.
 */
export async function createEventBus(prefix: string, settings: StageSettings, events = new EventBridgeClient({}), sqs = new SQSClient({})) {
  const busName = `${prefix}-${EVENT_BUS.id}`;
  try {
    await events.send(new CreateEventBusCommand({ Name: busName }));
  } catch (error) {
    if (!(error instanceof ResourceAlreadyExistsException) && (error as { name?: string }).name !== 'ResourceAlreadyExistsException') throw error;
  }
  const routes = [
    { id: 'published', queue: `${prefix}-${PUBLISHED_EVENTS_QUEUE}`, pattern: { source: [EVENT_SOURCE] } },
    ...(settings.eventConsumers ?? [])
      .filter((c) => c.target.kind === 'sqs')
      .map((c) => ({ id: c.id, queue: `${prefix}-events-${c.id}`, pattern: { source: [EVENT_SOURCE], 'detail-type': c.events } })),
  ];
  const queues: Record<string, string> = {};
  for (const route of routes) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: route.queue }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: `events-for-${route.id}`, EventBusName: busName, EventPattern: JSON.stringify(route.pattern) }));
    await events.send(
      new PutTargetsCommand({ Rule: `events-for-${route.id}`, EventBusName: busName, Targets: [{ Id: route.id, Arn: Attributes!.QueueArn! }] }),
    );
    queues[route.id] = QueueUrl!;
  }
  process.env[EVENT_BUS.envVar] = busName;
  return { busName, queues };
}

/** The emulator sends mail only from verified identities, as SES does outside the sandbox for its own domain. */
export async function verifySender(address: string, client = new SESv2Client({})) {
  for (const identity of [address, address.split('@')[1]!]) {
    try {
      await client.send(new CreateEmailIdentityCommand({ EmailIdentity: identity }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'AlreadyExistsException') throw error;
    }
  }
}

/** Local-only keys: a deployed stage reads its keys from Secrets Manager instead. */
export const LOCAL_SECRETS: Record<keyof typeof SECRETS, string> = {
  tokenKey: 'local-development-signing-key-not-for-production-use',
  edgeKey: 'local-development-edge-key-not-for-production-use',
  reportKey: 'local-development-report-key-not-for-production-use',
};

/** A partner's local-only key (a deployed stage keeps one secret per partner in Secrets Manager). */
export const localPartnerKey = (partnerId: string) => `local-development-key-of-partner-${partnerId}-not-for-production-use`;

const ONE_TRANSACTION_AT_A_TIME = 'oneEmulatorTransactionAtATime';

/**
 * moto answers an HTML 500 when a TransactWriteItems overlaps another request to it (it copies the
 * tables it may roll back while other requests read and write them); DynamoDB does not. The SDK does
 * retry that 500 (it is a 5xx), but its retry quota is per client, and the local mode serves every
 * request from one process and one client, where Lambda gives each concurrent request its own
 * container: under concurrent load the quota runs dry and the emulator's 500 reached callers. So the
 * local mode gives each transaction attempt the emulator to itself: it waits for the requests already
 * in flight, and requests that come after it wait for it; other requests still run side by side.
 * A conditional write (Put, Update or Delete with a ConditionExpression) takes the same turn: moto
 * checks the condition and writes in two steps, so two concurrent claims of one item could both
 * succeed there, which DynamoDB never lets happen.
 * Idempotent per client.
 */
const SINGLE_ITEM_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const isConditionalWrite = (commandName: string | undefined, input: unknown) =>
  SINGLE_ITEM_WRITES.has(commandName ?? '') && typeof (input as { ConditionExpression?: unknown }).ConditionExpression === 'string';

export function oneTransactionAtATime(client: DynamoDBDocumentClient) {
  if (client.middlewareStack.identify().some((name) => name.startsWith(ONE_TRANSACTION_AT_A_TIME))) return;
  /** Settles when every transaction admitted so far has finished. */
  let transactions: Promise<unknown> = Promise.resolve();
  /** Other requests in flight, each settled (never rejecting) when done. */
  const others = new Set<Promise<unknown>>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' || isConditionalWrite(context.commandName ?? '', args.input)) {
        // Taken now, synchronously: requests arriving later wait for this transaction instead.
        const before = [transactions, ...others];
        const attempt = Promise.allSettled(before).then(() => next(args));
        transactions = attempt.catch(() => undefined);
        return attempt;
      }
      const attempt = transactions.then(() => next(args));
      const done = attempt.then(
        () => undefined,
        () => undefined,
      );
      others.add(done);
      void done.then(() => others.delete(done));
      return attempt;
    },
    // After the retry middleware (priority high), so each attempt waits its turn, not the whole command.
    { step: 'finalizeRequest', priority: 'low', name: ONE_TRANSACTION_AT_A_TIME },
  );
}

/**
 * Everything the handlers need around them, from the same definitions the stack uses: environment,
 * tables, buckets, a verified sender and the staff user pool; and the handlers' client made to send the emulator one
 * transaction at a time. Idempotent for the data, so every local command may call it (each call
 * makes a new, empty staff pool with new demo passwords).
 */
export async function prepareLocalAws(
  settings: StageSettings,
  options: { endpoint: string; prefix: string; publicUrl: string /** Default true; a command that serves no HTTP (inbox) needs none. */; staffPool?: boolean },
) {
  useEmulator(options.endpoint);
  for (const [k, v] of Object.entries(commonEnvironment(settings))) process.env[k] = v;
  for (const [key, def] of Object.entries(SECRETS) as [keyof typeof SECRETS, (typeof SECRETS)[keyof typeof SECRETS]][]) {
    process.env[def.localEnvVar] ??= LOCAL_SECRETS[key];
  }
  process.env[PARTNER_SECRETS.localEnvVar] ??= JSON.stringify(Object.fromEntries((settings.partners ?? []).map((p) => [p.id, localPartnerKey(p.id)])));
  process.env.PUBLIC_API_URL = options.publicUrl;
  const tables = await createTables(options.prefix);
  const buckets = await createBuckets(options.prefix);
  const queues = await createQueues(options.prefix);
  const alarmTopicArn = await createAlarmTopic(options.prefix);
  const eventBus = await createEventBus(options.prefix, settings);
  await verifySender(settings.senderAddress);
  // The staff user pool, its groups and demo people: people routes need a signed-in person here too.
  const staffAuth =
    options.staffPool === false ? undefined : await createStaffPool({ endpoint: options.endpoint, prefix: options.prefix, region: process.env.AWS_REGION! });
  if (staffAuth) useLocalStaffAuth(staffAuth);
  oneTransactionAtATime(documentClient());
  return { tables, buckets, queues, alarmTopicArn, eventBus, staffAuth };
}
