/**
 * Everything held about a member, found by Query only (no scans): visitor ids from the member links
 * the storefront backend made, visit records and consent receipts per visitor, orders by member index.
 * Used by access exports and by erasure; erasure deletes visit records and consent history but never
 * orders (kept for disputes, policy 2.2).
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from '../config';
import { batchWriteAll, queryAll } from './dynamodb';
import type { ConsentRecord } from '../domain/consent';
import type { Order } from '../domain/orders';
import type { PersonalDataIndex } from '../domain/ports';
import { PROFILING_STOPPED, RECEIPT_PREFIX } from './consent-store';
import { memberPartition, visitorPartition, type VisitRecord } from '../domain/visits';

export interface PersonalDataTables {
  visits: string;
  consents: string;
  /** Only where orders are read (exports): deactivation and erasure never touch them. */
  orders?: string;
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

  /** Visitor ids from the storefront backend's links only (never from anything a browser sent). */
  async visitorIds(memberId: string) {
    const links = await this.queryAll<{ visitorId: string }>({
      TableName: this.tables.visits,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': memberPartition(memberId) },
      ProjectionExpression: 'visitorId',
    });
    return [...new Set(links.map((l) => String(l.visitorId)))];
  }

  private receiptsOf(visitorId: string) {
    return this.queryAll<ConsentRecord & { pk: string; sk: string; memberId?: string; currentMemberId?: string }>({
      TableName: this.tables.consents,
      KeyConditionExpression: 'pk = :v AND begins_with(sk, :r)',
      ExpressionAttributeValues: { ':v': visitorId, ':r': RECEIPT_PREFIX },
      ConsistentRead: true,
    });
  }

  async consentHistory(visitorIds: string[]) {
    const all = await Promise.all(visitorIds.map((id) => this.receiptsOf(id)));
    // A member id on an old receipt was an unverified public claim: it is not part of the record.
    return all.flat().map(({ pk: _pk, sk: _sk, memberId: _m, currentMemberId: _c, ...r }) => r as ConsentRecord);
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
    if (!this.tables.orders) throw new ConfigError('This function reads no orders: it has no orders table');
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

  async eraseConsentHistory(visitorIds: string[]) {
    let erased = 0;
    for (const visitorId of visitorIds) {
      const receipts = await this.receiptsOf(visitorId);
      // Keep the latest receipt: it proves the choice now in force.
      const latest = receipts.reduce<(typeof receipts)[number] | undefined>((best, r) => (!best || r.recordedAt > best.recordedAt ? r : best), undefined);
      erased += await this.deleteKeys(
        this.tables.consents,
        receipts.filter((r) => r !== latest).map(({ pk, sk }) => ({ pk, sk })),
      );
    }
    return erased;
  }

  async stopProfiling(visitorIds: string[], at: Date) {
    await batchWriteAll(
      this.db,
      this.tables.consents,
      visitorIds.map((pk) => ({ PutRequest: { Item: { pk, sk: PROFILING_STOPPED, stoppedAt: at.toISOString(), reason: 'member_inactive' } } })),
    );
  }
}
