/**
 * DynamoDB Streams of the consents, disclosures and subscriptions tables: each change that another
 * system must hear of (change-events.ts) is put on the stack's bus. A PutEvents failure throws, so the
 * event source mapping delivers the batch again (and bisects it); nothing is checkpointed past an
 * event that was not published.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventPublisher } from '../../shared/adapters/wiring/common';
import { tableName } from '../../shared/config';
import { eventsOfChanges, STREAMED_TABLES, type StreamedTable, type TableChange } from '../../shared/domain/change-events';
import type { EventPublisher } from '../../shared/domain/events-out';
import { log } from '../../shared/log';

type Image = Parameters<typeof unmarshall>[0];

/** The table of a stream record, from its source ARN (`arn:aws:dynamodb:…:table/<name>/stream/<label>`). */
const tableNameOf = (record: DynamoDBRecord) => record.eventSourceARN?.split(':table/')[1]?.split('/stream/')[0];

export function toChange(record: DynamoDBRecord, tables: ReadonlyMap<string, StreamedTable>): TableChange | undefined {
  const table = tables.get(tableNameOf(record) ?? '');
  const kind = record.eventName;
  if (!table || !kind || !record.dynamodb) return undefined;
  const { NewImage, OldImage, ApproximateCreationDateTime } = record.dynamodb;
  return {
    table,
    kind,
    ...(NewImage ? { newItem: unmarshall(NewImage as Image) } : {}),
    ...(OldImage ? { oldItem: unmarshall(OldImage as Image) } : {}),
    writtenAt: ApproximateCreationDateTime ? new Date(ApproximateCreationDateTime * 1000) : new Date(),
  };
}

export const makeHandler = (deps: { events: EventPublisher; tables: ReadonlyMap<string, StreamedTable> }) => async (event: DynamoDBStreamEvent) => {
  const changes = event.Records.flatMap((r) => toChange(r, deps.tables) ?? []);
  const events = eventsOfChanges(changes);
  // Rejects when any entry was refused: the whole batch comes back, and the ids repeat.
  if (events.length) await deps.events.publish(events);
  log.info('changes published', { records: event.Records.length, events: events.length });
  return { published: events.length };
};

export const handler = makeHandler({
  events: eventPublisher(),
  tables: new Map(STREAMED_TABLES.map((key) => [tableName(key), key])),
});
