/**
 * Visits table adapter. Records sit in one partition per visitor ("V#<visitorId>"), sorted by time;
 * links from a member to their visitor ids sit under "M#<memberId>". Pages across several visitors
 * (a member with a phone and a laptop) are merged newest first with a cursor per visitor.
 */
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, queryAll } from './dynamodb';
import type { Page, VisitStore } from '../domain/ports';
import { memberPartition, visitorPartition, type VisitRecord } from '../domain/visits';

type CursorState = Record<string, { after?: string; done?: boolean }>;

export class DynamoVisitStore implements VisitStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One PutItem: a beacon is one record, so there is no batch to split and no unprocessed rest to retry. */
  async put(record: VisitRecord): Promise<void> {
    await this.db.send(new PutItemCommand({ TableName: this.table, Item: attributeMap(record) }));
  }

  async link(memberId: string, visitorId: string, expiresAt: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: memberPartition(memberId), sk: visitorPartition(visitorId), visitorId, linkedAt: new Date().toISOString(), expiresAt },
      }),
    );
  }

  async visitorsOf(memberId: string): Promise<string[]> {
    const links = await queryAll<{ visitorId: string }>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': memberPartition(memberId) },
      ProjectionExpression: 'visitorId',
    });
    return links.map((l) => String(l.visitorId));
  }

  async memberOfVisitor(visitorId: string): Promise<string | undefined> {
    // The byVisitor index holds link items only: visit records carry no visitorId attribute.
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byVisitor',
        KeyConditionExpression: 'visitorId = :v',
        ExpressionAttributeValues: { ':v': visitorId },
        Limit: 1,
      }),
    );
    const pk = out.Items?.[0]?.pk;
    return typeof pk === 'string' && pk.startsWith('M#') ? pk.slice(2) : undefined;
  }

  async page(visitorIds: string[], limit: number, cursor?: string): Promise<Page<VisitRecord>> {
    const state: CursorState = cursor ? decodeCursor<CursorState>(cursor) : {};
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

/**
 * DynamoDB's wire format of a plain record (strings, finite numbers, booleans, lists and maps; an
 * undefined value is left out), as the document client's marshall writes it. The beacon route writes
 * one record of some seventy values per beacon: the generic marshall, which checks every value for
 * sets, binaries and class instances, cost about 35 µs of CPU per beacon; this walk costs a tenth.
 * test/unit/visit-store.test.ts holds the two to the same output.
 */
export function attributeMap(record: object): Record<string, AttributeValue> {
  const map: Record<string, AttributeValue> = {};
  for (const key of Object.keys(record)) {
    const value = (record as Record<string, unknown>)[key];
    if (value !== undefined) map[key] = attributeValue(value);
  }
  return map;
}

function attributeValue(value: unknown): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      // As marshall: no NaN or infinity, and no number beyond the safe integers (it would be stored rounded).
      if (!(Math.abs(value) <= Number.MAX_SAFE_INTEGER)) throw new TypeError(`${value} cannot be stored exactly as a DynamoDB number`);
      return { N: String(value) };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) return { L: value.filter((item) => item !== undefined).map(attributeValue) };
      if (Object.getPrototypeOf(value) === Object.prototype) return { M: attributeMap(value) };
  }
  throw new TypeError('Only strings, numbers, booleans, null, lists and plain objects are written here');
}
