/** One DynamoDB document client per cold start, shared by every store in the function. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../domain/errors';

let client: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
}

/** True when a transaction failed only because one of its conditions did not hold. */
export function isConditionFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e?.name === 'ConditionalCheckFailedException') return true;
  return (
    e?.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed') &&
    (e.CancellationReasons ?? []).every((r) => !r.Code || r.Code === 'None' || r.Code === 'ConditionalCheckFailed')
  );
}

/** Every item of a query, page by page (callers query one partition or index key, never scan). */
export async function queryAll<T>(db: DynamoDBDocumentClient, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as T[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const BATCH_WRITE_LIMIT = 25;
const BATCH_ATTEMPTS = 6;

/**
 * Puts or deletes in batches of 25, retrying what DynamoDB leaves unprocessed under load with
 * exponential backoff; throws when some requests still fail after the last attempt.
 */
export async function batchWriteAll(db: DynamoDBDocumentClient, table: string, requests: BatchWriteRequest[], backoffMs = 25): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
    let pending = requests.slice(i, i + BATCH_WRITE_LIMIT);
    for (let attempt = 1; pending.length; attempt++) {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as BatchWriteRequest[];
      if (pending.length && attempt >= BATCH_ATTEMPTS) throw new Error(`${pending.length} batch writes stayed unprocessed after ${attempt} attempts`);
      if (pending.length) await new Promise((r) => setTimeout(r, backoffMs * 2 ** attempt));
    }
  }
}

export type BatchWriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** Opaque page cursors: the LastEvaluatedKey (or any state) as base64url JSON, checked on the way back. */
export const encodeCursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor<T extends object = Record<string, unknown>>(cursor: string): T {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as T;
  } catch {
    // fall through
  }
  throw new InvalidInputError('invalid_cursor', 'The "next" cursor is not one this API issued', [{ path: 'query.next', message: 'invalid cursor' }]);
}
