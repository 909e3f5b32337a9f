/**
 * Visits table adapter. Records sit in one partition per visitor ("V#<visitorId>"), sorted by time;
 * links from a member to their visitor ids sit under "M#<memberId>". Pages across several visitors
 * (a member with a phone and a laptop) are merged newest first with a cursor per visitor.
 */
import { BatchWriteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../domain/errors';
import type { Page, VisitStore } from '../domain/ports';
import { memberPartition, visitorPartition, type VisitRecord } from '../domain/visits';

const BATCH_LIMIT = 25;
const MAX_ATTEMPTS = 6;

type CursorState = Record<string, { after?: string; done?: boolean }>;

const encodeCursor = (state: CursorState) => Buffer.from(JSON.stringify(state)).toString('base64url');

function decodeCursor(cursor: string): CursorState {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (state && typeof state === 'object' && !Array.isArray(state)) return state as CursorState;
  } catch {
    // fall through
  }
  throw new InvalidInputError('invalid_cursor', 'The "next" cursor is not one this API issued', [{ path: 'query.next', message: 'invalid cursor' }]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DynamoVisitStore implements VisitStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly backoffMs = 25,
  ) {}

  async append(records: VisitRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += BATCH_LIMIT) {
      let pending = records.slice(i, i + BATCH_LIMIT).map((Item) => ({ PutRequest: { Item } }));
      // DynamoDB may accept part of a batch under load; the rest is retried with backoff.
      for (let attempt = 1; pending.length; attempt++) {
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = (out.UnprocessedItems?.[this.table] ?? []) as typeof pending;
        if (pending.length && attempt >= MAX_ATTEMPTS) throw new Error(`${pending.length} visit records stayed unprocessed after ${attempt} attempts`);
        if (pending.length) await sleep(this.backoffMs * 2 ** attempt);
      }
    }
  }

  async link(memberId: string, visitorId: string, expiresAt: number): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: memberPartition(memberId), sk: visitorPartition(visitorId), visitorId, linkedAt: new Date().toISOString(), expiresAt } }),
    );
  }

  async visitorsOf(memberId: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': memberPartition(memberId) },
          ProjectionExpression: 'visitorId',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) ids.push(String(item.visitorId));
      start = out.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async page(visitorIds: string[], limit: number, cursor?: string): Promise<Page<VisitRecord>> {
    const state: CursorState = cursor ? decodeCursor(cursor) : {};
    const fetched = await Promise.all(
      visitorIds
        .filter((id) => !state[id]?.done)
        .map(async (id) => {
          const after = state[id]?.after;
          const out = await this.db.send(
            new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': visitorPartition(id) },
              ScanIndexForward: false,
              Limit: limit,
              ...(after ? { ExclusiveStartKey: { pk: visitorPartition(id), sk: after } } : {}),
            }),
          );
          return { id, items: (out.Items ?? []) as VisitRecord[], exhausted: !out.LastEvaluatedKey };
        }),
    );
    const merged = fetched.flatMap((f) => f.items).sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : a.pk.localeCompare(b.pk)));
    const taken = merged.slice(0, limit);
    const next: CursorState = { ...state };
    for (const f of fetched) {
      const mine = taken.filter((r) => r.pk === visitorPartition(f.id));
      const last = mine.at(-1);
      next[f.id] = {
        ...(last ? { after: last.sk } : state[f.id]?.after ? { after: state[f.id]!.after } : {}),
        ...(f.exhausted && mine.length === f.items.length ? { done: true } : {}),
      };
    }
    const more = visitorIds.some((id) => !next[id]?.done);
    return { items: taken, ...(more ? { next: encodeCursor(next) } : {}) };
  }
}
