/**
 * The deadlines queue (SQS) as the domain's scheduler, and the chain state kept beside each request
 * in the requests table ("CHAIN#<requestId>": chain id, hop, last seen), written with conditions so
 * duplicate deliveries cannot fork a chain.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MAX_DELAY_SECONDS } from '../domain/deadline-chain';
import type { ChainState, ChainStore, DeadlineJob, Scheduler } from '../domain/ports';
import { isConditionFailure } from './dynamodb';

export class SqsScheduler implements Scheduler {
  constructor(
    private readonly queueUrl: string,
    private readonly client = new SQSClient({}),
  ) {}

  async schedule(job: DeadlineJob, delaySeconds: number) {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(job),
        DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.floor(delaySeconds))),
      }),
    );
  }
}

const chainKey = (requestId: string) => `CHAIN#${requestId}`;

export class DynamoChainStore implements ChainStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(requestId: string): Promise<ChainState | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: chainKey(requestId) }, ConsistentRead: true }));
    return Item ? { chainId: String(Item.chainId), hop: Number(Item.hop), seenAt: String(Item.seenAt) } : undefined;
  }

  async start(requestId: string, chainId: string, now: Date) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { pk: chainKey(requestId), chainId, hop: 0, seenAt: now.toISOString() } }));
  }

  async advance(requestId: string, chainId: string, hop: number, now: Date) {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: chainKey(requestId) },
          UpdateExpression: 'SET hop = :next, seenAt = :now',
          ConditionExpression: 'chainId = :chain AND hop = :hop',
          ExpressionAttributeValues: { ':chain': chainId, ':hop': hop, ':next': hop + 1, ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
