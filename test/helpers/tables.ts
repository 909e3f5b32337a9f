/** Reads a table back from the emulator, so integration tests assert what was really stored. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/adapters/dynamodb';
import { tableName } from '../../shared/config';
import type { TableKey } from '../../shared/resources';
import type { Json } from './json';

export async function itemsOf(table: TableKey, pk: string): Promise<Record<string, Json>[]> {
  const out = await documentClient().send(
    new QueryCommand({ TableName: tableName(table), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}
