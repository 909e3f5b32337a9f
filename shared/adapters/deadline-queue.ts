/**
 * The deadlines queue (SQS) as the domain's scheduler, and the chain state kept beside each request
 * in the requests table ("CHAIN#<requestId>": chain id, hop, last seen), written with conditions so
 * duplicate deliveries cannot fork a chain.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MAX_DELAY_SECONDS } from '../domain/deadline-chain';
import type { ChainState, ChainStore, DeadlineJob, Page, Scheduler } from '../domain/ports';
import { decodeCursor, encodeCursor, isConditionFailure } from './dynamodb';

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
/** The one partition of the sparse byQuietChain index: live chains carry it, retired ones do not. */
const LIVE_CHAINS = 'LIVE';

export class DynamoChainStore implements ChainStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** A table with a sort key (the registers table) keeps chain items under this fixed one. */
    private readonly sortKey: Record<string, string> = {},
  ) {}

  private key(id: string) {
    return { pk: chainKey(id), ...this.sortKey };
  }

  async get(requestId: string): Promise<ChainState | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: this.key(requestId), ConsistentRead: true }));
    return Item ? { chainId: String(Item.chainId), hop: Number(Item.hop), seenAt: String(Item.seenAt) } : undefined;
  }

  async start(requestId: string, chainId: string, now: Date) {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...this.key(requestId), requestId, chainId, hop: 0, seenAt: now.toISOString(), chainQueue: LIVE_CHAINS },
      }),
    );
  }

  async quietSince(before: Date, limit: number, cursor?: string): Promise<Page<ChainState & { requestId: string }>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byQuietChain',
        KeyConditionExpression: 'chainQueue = :q AND seenAt < :before',
        ExpressionAttributeValues: { ':q': LIVE_CHAINS, ':before': before.toISOString() },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
      }),
    );
    return {
      items: (out.Items ?? []).map((i) => ({
        requestId: String(i.pk).slice('CHAIN#'.length),
        chainId: String(i.chainId),
        hop: Number(i.hop),
        seenAt: String(i.seenAt),
      })),
      ...(out.LastEvaluatedKey ? { next: encodeCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  async retire(requestId: string, chainId: string) {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(requestId),
          UpdateExpression: 'REMOVE chainQueue',
          ConditionExpression: 'chainId = :chain',
          ExpressionAttributeValues: { ':chain': chainId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // a newer chain took over: it stays live
    }
  }

  async advance(requestId: string, chainId: string, hop: number, now: Date) {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(requestId),
          // chainQueue too: a chain started before the index existed joins it on its next hop.
          UpdateExpression: 'SET hop = :next, seenAt = :now, chainQueue = :live',
          ConditionExpression: 'chainId = :chain AND hop = :hop',
          ExpressionAttributeValues: { ':chain': chainId, ':hop': hop, ':next': hop + 1, ':now': now.toISOString(), ':live': LIVE_CHAINS },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
