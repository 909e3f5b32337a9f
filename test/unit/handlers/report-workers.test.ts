/**
 * The report workers over a mocked reports table (aws-sdk-client-mock): the stream worker writes one
 * partial per batch and day with a conditional transaction, a redelivered batch is a duplicate that
 * changes no count, removals write nothing; the daily close turns partials into counts only and
 * deletes them.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as aggregateHandler } from '../../../functions/reports/aggregate-reports';
import { makeHandler as closeHandler } from '../../../functions/reports/close-report-days';
import { documentClient } from '../../../shared/adapters/dynamodb';
import { decodeReportData, DynamoReportStore, encodeReportData } from '../../../shared/adapters/report-store';
import type { ReportStream } from '../../../shared/domain/reports/aggregate';
import { readReport } from '../../../shared/domain/reports/service';

const db = mockClient(DynamoDBDocumentClient);
/** The reports table as the mock keeps it: `pk|sk` -> item. */
let table: Map<string, Record<string, unknown>>;

beforeEach(() => {
  table = new Map();
  db.on(TransactWriteCommand).callsFake((input) => {
    const puts = input.TransactItems.map((t: { Put: { Item: Record<string, unknown> } }) => t.Put.Item);
    if (puts.some((item: Record<string, unknown>) => table.has(`${item.pk}|${item.sk}`)))
      throw new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: puts.map(() => ({ Code: 'ConditionalCheckFailed' })),
      });
    for (const item of puts) table.set(`${item.pk}|${item.sk}`, item);
    return {};
  });
  db.on(QueryCommand).callsFake((input) => ({
    Items: [...table.values()].filter((item) => item.pk === input.ExpressionAttributeValues[':d']).sort((a, b) => String(a.sk).localeCompare(String(b.sk))),
  }));
  db.on(PutCommand).callsFake((input) => {
    if (input.ConditionExpression && table.has(`${input.Item.pk}|${input.Item.sk}`))
      throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
    table.set(`${input.Item.pk}|${input.Item.sk}`, input.Item);
    return {};
  });
  db.on(BatchWriteCommand).callsFake((input) => {
    for (const request of Object.values(input.RequestItems)[0] as { DeleteRequest: { Key: { pk: string; sk: string } } }[])
      table.delete(`${request.DeleteRequest.Key.pk}|${request.DeleteRequest.Key.sk}`);
    return {};
  });
});
afterEach(() => db.reset());

const store = new DynamoReportStore(documentClient(), 'test-Reports');
const tables = new Map<string, ReportStream>([['test-Visits', 'visits']]);
const key = async () => new Uint8Array(Buffer.from('unit-test-report-key-0123456789-abcdefghijkl'));
const aggregate = aggregateHandler({ store, key, topSearchQueries: false, tables });

const visitRecord = (seq: number, visitor: string, eventName: 'INSERT' | 'REMOVE' = 'INSERT'): DynamoDBRecord => {
  const item = {
    pk: `V#${visitor}`,
    sk: `2026-11-25T03:00:00.000Z#x#00`,
    at: '2026-11-25T03:00:00.000Z',
    sid: 's1',
    ip: '203.0.113.7',
    br: 'Firefox 133',
    ev: [{ t: 'pageview', p: '/' }],
    expiresAt: 1,
  };
  return {
    eventName,
    eventSourceARN: 'arn:aws:dynamodb:ap-southeast-1:123456789012:table/test-Visits/stream/2026-11-20T00:00:00.000',
    dynamodb: { SequenceNumber: String(seq), ...(eventName === 'INSERT' ? { NewImage: marshall(item) as never } : { OldImage: marshall(item) as never }) },
  };
};
const fiveVisitors = () => Array.from({ length: 5 }, (_, i) => visitRecord(100 + i, `visitor-${i}`));
const clock = { now: () => new Date('2026-11-26T03:00:00.000Z') };
const traffic = async () =>
  (await readReport({ store, clock, topSearchQueries: false }, 'traffic', { from: '2026-11-25', to: '2026-11-25' })).sections[0]!.rows;

describe('aggregate-reports', () => {
  it('writes a one-day batch as one conditional put keyed by the table and its first and last sequence numbers, with no visitor id', async () => {
    expect(await aggregate({ Records: fiveVisitors() })).toEqual({ days: 1, outcome: 'written' });
    const puts = db.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { pk: 'DAY#2026-11-25', sk: 'PART#visits#100#104#0' } });
    expect(JSON.stringify(decodeReportData(puts[0]!.Item!.data))).not.toContain('visitor-');
    expect(await traffic()).toEqual([{ day: '2026-11-25', pageViews: 5, visitors: 5, sessions: 5 }]);
  });

  it('writes a batch spanning two Bangkok days as one conditional transaction, all or nothing', async () => {
    const lateRecord = visitRecord(105, 'visitor-late');
    const image = lateRecord.dynamodb!.NewImage as Record<string, { S?: string }>;
    image.at = { S: '2026-11-25T17:00:01.000Z' };
    expect(await aggregate({ Records: [...fiveVisitors(), lateRecord] })).toEqual({ days: 2, outcome: 'written' });
    const [call] = db.commandCalls(TransactWriteCommand);
    expect(call!.args[0].input.TransactItems!.map((t) => [t.Put!.Item!.pk, t.Put!.Item!.sk, t.Put!.ConditionExpression])).toEqual([
      ['DAY#2026-11-25', 'PART#visits#100#105#0', 'attribute_not_exists(pk)'],
      ['DAY#2026-11-26', 'PART#visits#100#105#0', 'attribute_not_exists(pk)'],
    ]);
    expect(await aggregate({ Records: [...fiveVisitors(), lateRecord] })).toEqual({ days: 2, outcome: 'duplicate' });
  });

  it('does not count a redelivered batch twice', async () => {
    await aggregate({ Records: fiveVisitors() });
    expect(await aggregate({ Records: fiveVisitors() })).toEqual({ days: 1, outcome: 'duplicate' });
    expect(await traffic()).toEqual([{ day: '2026-11-25', pageViews: 5, visitors: 5, sessions: 5 }]);
  });

  it('writes nothing for removals (erasure, TTL expiry)', async () => {
    await aggregate({ Records: fiveVisitors() });
    expect(await aggregate({ Records: fiveVisitors().map((_, i) => visitRecord(200 + i, `visitor-${i}`, 'REMOVE')) })).toEqual({ days: 0, outcome: 'empty' });
    expect(db.commandCalls(PutCommand)).toHaveLength(1);
    expect(await traffic()).toEqual([{ day: '2026-11-25', pageViews: 5, visitors: 5, sessions: 5 }]);
  });
});

describe('close-report-days', () => {
  it('merges a finished day into counts only, deletes its partials, and reads the same numbers after', async () => {
    await aggregate({ Records: fiveVisitors().slice(0, 3) });
    await aggregate({
      Records: [
        visitRecord(110, 'visitor-0'),
        ...fiveVisitors()
          .slice(3)
          .map((_, i) => visitRecord(111 + i, `visitor-${3 + i}`)),
      ],
    });
    const before = await traffic();
    expect(await closeHandler({ store, clock })()).toEqual({ closed: ['2026-11-25'] });
    expect([...table.keys()]).toEqual(['DAY#2026-11-25|CLOSED']);
    const closed = table.get('DAY#2026-11-25|CLOSED')!;
    expect(closed.merged).toEqual(['PART#visits#100#102#0', 'PART#visits#110#112#0']);
    expect(decodeReportData<{ traffic: { c: unknown } }>(closed.data).traffic.c).toEqual({ pageViews: 6, visitors: 5, sessions: 5 });
    expect(await traffic()).toEqual(before);
  });

  it('leaves today open and ignores a partial redelivered after its day closed', async () => {
    await aggregate({ Records: fiveVisitors() });
    await closeHandler({ store, clock })();
    // The same batch again after the close: its key is among the merged ones, so it is not read.
    table.set('DAY#2026-11-25|PART#visits#100#104#0', {
      pk: 'DAY#2026-11-25',
      sk: 'PART#visits#100#104#0',
      data: encodeReportData({ cells: { traffic: { c: { pageViews: 5 } } }, sessions: {} }),
    });
    expect(await traffic()).toEqual([{ day: '2026-11-25', pageViews: 5, visitors: 5, sessions: 5 }]);
    const today = await closeHandler({ store, clock: { now: () => new Date('2026-11-25T10:00:00.000Z') } })();
    expect(today).toEqual({ closed: [] });
  });
});
