/**
 * Visits table adapter. Records sit in one partition per visitor ("V#<visitorId>"), sorted by time;
 * links from a member to their visitor ids sit under "M#<memberId>". Pages across several visitors
 * (a member with a phone and a laptop) are merged newest first with a cursor per visitor.
 */
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
    await this.db.send(new PutCommand({ TableName: this.table, Item: record }));
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
