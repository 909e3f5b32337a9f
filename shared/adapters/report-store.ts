/**
 * Reports table (shared/resources.ts): pk = "DAY#<Bangkok day>"; sk = "PART#<batch key>#<n>" for the
 * partials of one stream batch, or "CLOSED" for the day's counts. A partial is stored as gzipped JSON
 * (its cell names are data, not attributes) and split into items under MAX_ITEM_BYTES; the items of a
 * batch are written conditionally and all at once (one put, or one transaction when the batch spans
 * two days or a very large partial), so a redelivered batch writes nothing and a failed one leaves
 * nothing behind to be counted twice.
 */
import { QueryCommand, TransactWriteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DayCounts, DayPartial } from '../domain/reports/aggregate';
import type { ReportStore, StoredDay } from '../domain/reports/service';
import { gunzipSync, gzipSync } from 'node:zlib';
import { batchWriteAll, isConditionFailure } from './dynamodb';

/**
 * Item data as gzipped JSON (binary): the same hashes recur in many cells of a partial, so it shrinks
 * about six times, and write units are billed per started KB.
 */
export const encodeReportData = (value: unknown): Uint8Array => gzipSync(JSON.stringify(value));
export const decodeReportData = <T>(data: unknown): T => JSON.parse(gunzipSync(data as Uint8Array).toString('utf8')) as T;

/** Well under DynamoDB's 400 KB item limit. */
export const MAX_ITEM_BYTES = 300_000;
/** DynamoDB's limit of items per transaction. */
const MAX_TRANSACTION_ITEMS = 100;
const CLOSED = 'CLOSED';
const dayKey = (day: string) => `DAY#${day}`;

/** A partial as items of at most MAX_ITEM_BYTES of JSON each: whole cells and sessions per item. */
export function splitPartial(partial: DayPartial, maxBytes = MAX_ITEM_BYTES): DayPartial[] {
  const parts: DayPartial[] = [];
  let current: DayPartial = { day: partial.day, cells: {}, sessions: {} };
  let bytes = 0;
  const add = (size: number, put: (p: DayPartial) => void) => {
    if (bytes + size > maxBytes && bytes > 0) {
      parts.push(current);
      current = { day: partial.day, cells: {}, sessions: {} };
      bytes = 0;
    }
    put(current);
    bytes += size;
  };
  for (const [key, cell] of Object.entries(partial.cells))
    add(Buffer.byteLength(JSON.stringify([key, cell])), (p) => {
      p.cells[key] = cell;
    });
  for (const [key, ends] of Object.entries(partial.sessions))
    add(Buffer.byteLength(JSON.stringify([key, ends])), (p) => {
      p.sessions[key] = ends;
    });
  parts.push(current);
  return parts;
}

export class DynamoReportStore implements ReportStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async writePartials(batchKey: string, partials: readonly DayPartial[]): Promise<'written' | 'duplicate'> {
    const items = partials.flatMap((partial) =>
      splitPartial(partial).map((part, n) => ({
        pk: dayKey(partial.day),
        sk: `PART#${batchKey}#${n}`,
        data: encodeReportData({ cells: part.cells, sessions: part.sessions }),
      })),
    );
    if (items.length > MAX_TRANSACTION_ITEMS) throw new Error(`A report batch needs ${items.length} items, more than one transaction holds`);
    const condition = 'attribute_not_exists(pk)';
    try {
      // One item (one day, the usual batch) is a plain conditional put: a transaction would bill its write units twice.
      if (items.length === 1) await this.db.send(new PutCommand({ TableName: this.table, Item: items[0], ConditionExpression: condition }));
      else
        await this.db.send(
          new TransactWriteCommand({ TransactItems: items.map((Item) => ({ Put: { TableName: this.table, Item, ConditionExpression: condition } })) }),
        );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async day(day: string): Promise<StoredDay> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :d',
          ExpressionAttributeValues: { ':d': dayKey(day) },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const closed = items.find((i) => i.sk === CLOSED);
    const merged = new Set<string>((closed?.merged as string[] | undefined) ?? []);
    const stored: StoredDay = { partials: [], partialKeys: [], mergedKeys: [] };
    if (closed) stored.closed = decodeReportData<DayCounts>(closed.data);
    for (const item of items) {
      if (item.sk === CLOSED) continue;
      const sk = String(item.sk);
      // Already in the closed counts (a close stopped before deleting it, or a batch redelivered after the close).
      if (merged.has(sk)) stored.mergedKeys.push(sk);
      else {
        const data = decodeReportData<Partial<DayPartial>>(item.data);
        stored.partials.push({ day, cells: data.cells ?? {}, sessions: data.sessions ?? {} });
        stored.partialKeys.push(sk);
      }
    }
    return stored;
  }

  async saveClosed(day: string, counts: DayCounts, partialKeys: readonly string[]): Promise<void> {
    // The closed counts name the partials they include, then those go: a close stopped in between
    // leaves partials that reads skip and the next close deletes, never counts twice.
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: dayKey(day), sk: CLOSED, data: encodeReportData(counts), merged: [...partialKeys] } }),
    );
    await batchWriteAll(
      this.db,
      this.table,
      partialKeys.map((sk) => ({ DeleteRequest: { Key: { pk: dayKey(day), sk } } })),
    );
  }
}
