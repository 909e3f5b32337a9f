/**
 * Everything held about a member, found by Query only (no scans): visitor ids from member links and
 * from consent receipts, visit records per visitor, consent receipts and orders by member index.
 * Used by access exports and by erasure; erasure deletes visit records and consent history but never
 * orders (kept for disputes, policy 2.2).
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, queryAll } from './dynamodb';
import type { ConsentRecord } from '../domain/consent';
import type { Order } from '../domain/orders';
import type { PersonalDataIndex } from '../domain/ports';
import { memberPartition, visitorPartition, type VisitRecord } from '../domain/visits';

export interface PersonalDataTables {
  visits: string;
  consents: string;
  orders: string;
}

export class DynamoPersonalData implements PersonalDataIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: PersonalDataTables,
  ) {}

  private queryAll<T>(input: QueryCommandInput): Promise<T[]> {
    return queryAll<T>(this.db, input);
  }

  private async deleteKeys(table: string, keys: { pk: string; sk: string }[]): Promise<number> {
    await batchWriteAll(
      this.db,
      table,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    );
    return keys.length;
  }

  consentHistory(memberId: string) {
    return this.queryAll<ConsentRecord & { pk: string; sk: string }>({
      TableName: this.tables.consents,
      IndexName: 'byMember',
      KeyConditionExpression: 'memberId = :m',
      ExpressionAttributeValues: { ':m': memberId },
    }).then((items) => items.map(({ pk: _pk, sk: _sk, ...r }) => r as ConsentRecord));
  }

  async visitorIds(memberId: string) {
    const links = await this.queryAll<{ visitorId: string }>({
      TableName: this.tables.visits,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': memberPartition(memberId) },
    });
    const fromConsents = (await this.consentHistory(memberId)).map((r) => r.visitorId);
    return [...new Set([...links.map((l) => l.visitorId), ...fromConsents])];
  }

  async visits(visitorIds: string[]) {
    const all = await Promise.all(
      visitorIds.map((id) =>
        this.queryAll<VisitRecord>({
          TableName: this.tables.visits,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': visitorPartition(id) },
        }),
      ),
    );
    return all.flat();
  }

  orders(memberId: string) {
    return this.queryAll<Order & { pk: string }>({
      TableName: this.tables.orders,
      IndexName: 'byMember',
      KeyConditionExpression: 'memberId = :m',
      ExpressionAttributeValues: { ':m': memberId },
    }).then((items) => items.map(({ pk: _pk, ...o }) => o as Order));
  }

  async eraseVisits(memberId: string, visitorIds: string[]) {
    const partitions = [...visitorIds.map(visitorPartition), memberPartition(memberId)];
    let erased = 0;
    for (const pk of partitions) {
      const keys = await this.queryAll<{ pk: string; sk: string }>({
        TableName: this.tables.visits,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
      });
      erased += await this.deleteKeys(this.tables.visits, keys);
    }
    return erased;
  }

  async eraseConsentHistory(memberId: string) {
    const receipts = await this.queryAll<{ pk: string; sk: string; recordedAt: string }>({
      TableName: this.tables.consents,
      IndexName: 'byMember',
      KeyConditionExpression: 'memberId = :m',
      ExpressionAttributeValues: { ':m': memberId },
    });
    // Keep each visitor's latest receipt: it proves the choice now in force.
    const latest = new Map<string, { sk: string; recordedAt: string }>();
    for (const r of receipts) {
      const best = latest.get(r.pk);
      if (!best || r.recordedAt > best.recordedAt) latest.set(r.pk, r);
    }
    const doomed = receipts.filter((r) => latest.get(r.pk)?.sk !== r.sk).map(({ pk, sk }) => ({ pk, sk }));
    return this.deleteKeys(this.tables.consents, doomed);
  }
}
