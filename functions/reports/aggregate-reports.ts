/**
 * DynamoDB Streams of the visits, consents and requests tables (policy 1.2): each batch becomes one
 * report partial per Bangkok day, written under the batch's key (table and first and last sequence
 * numbers) with a conditional put, so a redelivered batch counts once. Removals (erasure, TTL) are
 * filtered out before the worker and ignored by it: erasing a member changes no report.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { keyedHash, reportKey, reportStore, topSearchQueries } from '../../shared/adapters/wiring/reports';
import { tableName } from '../../shared/config';
import type { SigningKey } from '../../shared/domain/ports';
import { type NewItem, REPORT_STREAMS, type ReportStream } from '../../shared/domain/reports/aggregate';
import { aggregateBatch, type ReportStore } from '../../shared/domain/reports/service';
import { log } from '../../shared/log';

type Image = Parameters<typeof unmarshall>[0];

const tableNameOf = (record: DynamoDBRecord) => record.eventSourceARN?.split(':table/')[1]?.split('/stream/')[0];

export function toNewItem(record: DynamoDBRecord, table: ReportStream): NewItem | undefined {
  const kind = record.eventName;
  if (!kind || !record.dynamodb) return undefined;
  const { NewImage, OldImage } = record.dynamodb;
  return {
    table,
    kind,
    ...(NewImage ? { newItem: unmarshall(NewImage as Image) } : {}),
    ...(OldImage ? { oldItem: unmarshall(OldImage as Image) } : {}),
  };
}

export interface AggregateDeps {
  store: Pick<ReportStore, 'writePartials'>;
  key: SigningKey;
  topSearchQueries: boolean;
  tables: ReadonlyMap<string, ReportStream>;
}

export const makeHandler = (deps: AggregateDeps) => async (event: DynamoDBStreamEvent) => {
  const first = event.Records[0];
  const last = event.Records.at(-1);
  const table = first && deps.tables.get(tableNameOf(first) ?? '');
  if (!first || !last || !table) return { days: 0 };
  // One mapping per table, so a batch is one table's: its key names the table and its sequence range.
  const batchKey = `${table}#${first.dynamodb?.SequenceNumber}#${last.dynamodb?.SequenceNumber}`;
  const changes = event.Records.flatMap((r) => toNewItem(r, table) ?? []);
  const hash = keyedHash(await deps.key());
  const { days, outcome } = await aggregateBatch({ store: deps.store, settings: { topSearchQueries: deps.topSearchQueries, hash } }, batchKey, changes);
  log.info('report partials', { table, records: event.Records.length, days, outcome });
  return { days, outcome };
};

export const handler = makeHandler({
  store: reportStore(),
  key: reportKey(),
  topSearchQueries: topSearchQueries(),
  tables: new Map(REPORT_STREAMS.map((key) => [tableName(key), key])),
});
