/**
 * The registers table: pk = "BREACH" or "PROCESSOR", sk = the entry's id. Entries are put whole,
 * conditional on the version read (never deleted: no function is granted DeleteItem on it).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { RegisterStore } from '../domain/ports';
import type { EntryOf, RegisterKind } from '../domain/registers';
import { isConditionFailure, queryAll } from './dynamodb';

const PARTITION: Record<RegisterKind, string> = { breach: 'BREACH', processor: 'PROCESSOR' };
const strip = <T>({ pk: _pk, sk: _sk, ...entry }: Record<string, unknown>) => entry as T;

export class DynamoRegisterStore implements RegisterStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get<K extends RegisterKind>(kind: K, id: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: PARTITION[kind], sk: id }, ConsistentRead: true }));
    return Item ? strip<EntryOf<K>>(Item) : undefined;
  }

  async create<K extends RegisterKind>(kind: K, entry: EntryOf<K>) {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: { pk: PARTITION[kind], sk: entry.id, ...entry }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError('entry_exists', `${kind} ${entry.id} exists`);
      throw error;
    }
  }

  async update<K extends RegisterKind>(kind: K, entry: EntryOf<K>) {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: PARTITION[kind], sk: entry.id, ...entry },
          ConditionExpression: 'version = :read',
          ExpressionAttributeValues: { ':read': entry.version - 1 },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError('entry_changed', `${kind} ${entry.id} changed meanwhile; read it again`);
      throw error;
    }
  }

  async list<K extends RegisterKind>(kind: K) {
    const items = await queryAll<Record<string, unknown>>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARTITION[kind] },
      ConsistentRead: true,
    });
    return items.map((i) => strip<EntryOf<K>>(i)).sort((a, b) => b.recordedAt.localeCompare(a.recordedAt));
  }
}
