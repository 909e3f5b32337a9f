/**
 * Disclosures table, append-only: pk = "M#<memberId>" (or "NONE" for answers about no member),
 * sk = "<disclosedAt>#<id>"; a second item under pk = "ALL" keeps the register in time order.
 */
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Disclosure, DisclosureStore, Page } from '../domain/ports';
import { decodeCursor, encodeCursor, queryAll } from './dynamodb';

const ALL = 'ALL';
const partition = (d: Pick<Disclosure, 'memberId'>) => (d.memberId ? `M#${d.memberId}` : 'NONE');
const strip = ({ pk: _pk, sk: _sk, ...d }: Disclosure & { pk: string; sk: string }) => d as Disclosure;

export class DynamoDisclosureStore implements DisclosureStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(d: Disclosure) {
    const sk = `${d.disclosedAt}#${d.id}`;
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { pk: partition(d), sk, ...d }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.table, Item: { pk: ALL, sk, ...d }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
  }

  async forMember(memberId: string) {
    const items = await queryAll<Disclosure & { pk: string; sk: string }>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `M#${memberId}` },
    });
    return items.map(strip);
  }

  async recent(limit: number, cursor?: string): Promise<Page<Disclosure>> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ALL },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
      }),
    );
    return {
      items: (page.Items ?? []).map((i) => strip(i as Disclosure & { pk: string; sk: string })),
      ...(page.LastEvaluatedKey ? { next: encodeCursor(page.LastEvaluatedKey) } : {}),
    };
  }
}
