/**
 * Requests table: pk = request id. The staff queue is the byStatus index (status, "dueAt#id"), so
 * open requests come soonest due first without a scan. Rate-limit counters live in the same table
 * under "QUOTA#..." keys and expire by TTL; "OPEN#<address hash>#<type>" items name the open web
 * request of an address and type (the guard against concurrent duplicate submissions).
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { ConflictError } from '../domain/errors';
import type { OpenSlotOutcome, Page, QueueFilter, RequestStore, SaveOutcome } from '../domain/ports';
import { isClosed, type DataRequest, type RequestStatus } from '../domain/requests';
import { decodeCursor, encodeCursor, isConditionFailure, queryAll } from './dynamodb';

type Item = DataRequest & { pk: string; dueKey: string; owedQueue?: string; owedSince?: string; openEmail?: string };
/** The one partition of the sparse byOwed index: only requests that still owe an effect carry it. */
const OWED_QUEUE = 'OWED';
const toItem = (r: DataRequest): Item => ({
  pk: r.id,
  ...r,
  dueKey: `${r.dueAt}#${r.id}`,
  // Sparse byOpenEmail: only requests not closed yet, so a submission never reads closed history.
  ...(isClosed(r) ? {} : { openEmail: r.email }),
  ...(r.owed?.length ? { owedQueue: OWED_QUEUE, owedSince: `${r.owed.map((o) => o.since).sort()[0]}#${r.id}` } : {}),
});
const sentMailKey = (messageId: string) => `SENT#${messageId}`;
const openSlotKey = (slot: string) => `OPEN#${slot}`;
const SLOT_KEPT_AFTER_DUE_S = 30 * 86_400;
/** The slot's condition failed, or DynamoDB cancelled the transaction for a concurrent one on the same slot. */
const lostTheSlot = (error: unknown) =>
  isConditionFailure(error) ||
  ((error as { name?: string }).name === 'TransactionCanceledException' &&
    ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict'));
const strip = ({ pk: _pk, dueKey: _d, owedQueue: _q, owedSince: _s, openEmail: _o, ...r }: Item): DataRequest => r;

export class DynamoRequestStore implements RequestStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(request: DataRequest): Promise<SaveOutcome> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: toItem(request), ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async createOpen(request: DataRequest, slot: string, replacing?: string): Promise<OpenSlotOutcome> {
    const slotKey = openSlotKey(slot);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: toItem(request), ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: this.table,
                // Gone by TTL a month after the holder's due date: by then it is closed, and the slot (an
                // address hash) is not kept longer than the request it guards.
                Item: { pk: slotKey, requestId: request.id, expiresAt: Math.floor(Date.parse(request.dueAt) / 1000) + SLOT_KEPT_AFTER_DUE_S },
                ConditionExpression: replacing === undefined ? 'attribute_not_exists(pk)' : 'attribute_not_exists(pk) OR requestId = :replacing',
                ...(replacing === undefined ? {} : { ExpressionAttributeValues: { ':replacing': replacing } }),
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if (!lostTheSlot(error)) throw error;
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: slotKey }, ConsistentRead: true }));
      // Gone again between the two reads (a replacement in flight): the caller tries once more.
      return { created: false, holder: typeof Item?.requestId === 'string' ? Item.requestId : (replacing ?? '') };
    }
  }

  async get(id: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: id }, ConsistentRead: true }));
    return Item && !String(Item.pk).startsWith('QUOTA#') ? strip(Item as Item) : undefined;
  }

  async update(request: DataRequest) {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: toItem(request),
          ConditionExpression: 'version = :previous',
          ExpressionAttributeValues: { ':previous': request.version - 1 },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError('request_changed', `Request ${request.id} was changed by someone else; reload and retry`);
      throw error;
    }
  }

  async byStatus(status: RequestStatus, limit: number, cursor?: string, dueBefore?: Date, filter: QueueFilter = {}): Promise<Page<DataRequest>> {
    // Type and channel are few-valued attributes of the status partition: a filter, not an index each.
    const filters = [...(filter.type ? ['#t = :t'] : []), ...(filter.channel ? ['#c = :c'] : [])];
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byStatus',
        KeyConditionExpression: dueBefore ? '#s = :s AND dueKey < :before' : '#s = :s',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeNames: { '#s': 'status', ...(filter.type ? { '#t': 'type' } : {}), ...(filter.channel ? { '#c': 'channel' } : {}) },
        ExpressionAttributeValues: {
          ':s': status,
          ...(dueBefore ? { ':before': dueBefore.toISOString() } : {}),
          ...(filter.type ? { ':t': filter.type } : {}),
          ...(filter.channel ? { ':c': filter.channel } : {}),
        },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
      }),
    );
    return { items: (out.Items ?? []).map((i) => strip(i as Item)), ...(out.LastEvaluatedKey ? { next: encodeCursor(out.LastEvaluatedKey) } : {}) };
  }

  async countByStatus(status: RequestStatus, dueBefore?: Date): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byStatus',
          KeyConditionExpression: dueBefore ? '#s = :s AND dueKey < :before' : '#s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': status, ...(dueBefore ? { ':before': dueBefore.toISOString() } : {}) },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async byEmail(email: string) {
    const items = await queryAll<Item>(this.db, {
      TableName: this.table,
      IndexName: 'byEmail',
      KeyConditionExpression: 'email = :e',
      ExpressionAttributeValues: { ':e': email },
    });
    return items.map(strip);
  }

  async openByEmail(email: string) {
    const items = await queryAll<Item>(this.db, {
      TableName: this.table,
      IndexName: 'byOpenEmail',
      KeyConditionExpression: 'openEmail = :e',
      ExpressionAttributeValues: { ':e': email },
    });
    return items.map(strip);
  }

  async owingSince(before: Date, limit: number, cursor?: string): Promise<Page<DataRequest>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byOwed',
        KeyConditionExpression: 'owedQueue = :q AND owedSince < :before',
        ExpressionAttributeValues: { ':q': OWED_QUEUE, ':before': before.toISOString() },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
      }),
    );
    return { items: (out.Items ?? []).map((i) => strip(i as Item)), ...(out.LastEvaluatedKey ? { next: encodeCursor(out.LastEvaluatedKey) } : {}) };
  }

  async rememberSentMail(messageId: string, requestId: string, now: Date) {
    // A year: replies come late. The pointer holds ids only.
    const expiresAt = Math.floor(now.getTime() / 1000) + 366 * 86_400;
    await this.db.send(new PutCommand({ TableName: this.table, Item: { pk: sentMailKey(messageId), requestId, expiresAt } }));
  }

  async requestOfSentMail(messageId: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: sentMailKey(messageId) } }));
    return typeof Item?.requestId === 'string' ? Item.requestId : undefined;
  }

  async takeQuota(key: string, max: number, now: Date): Promise<boolean> {
    const day = now.toISOString().slice(0, 10);
    // Hashed: the counter key must not hold an e-mail address or IP in clear.
    const pk = `QUOTA#${createHash('sha256').update(key).digest('hex').slice(0, 32)}#${day}`;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk },
          UpdateExpression: 'ADD used :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
          ConditionExpression: 'attribute_not_exists(used) OR used < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': max, ':ttl': Math.floor(now.getTime() / 1000) + 2 * 86_400 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
