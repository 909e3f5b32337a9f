/**
 * The stream worker: records of the three streamed tables become events on the bus, records of other
 * tables are ignored, and a PutEvents that refuses an entry fails the batch so the stream delivers it again.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/events/publish-changes';
import { EventBridgePublisher } from '../../../shared/adapters/event-bus';
import type { StreamedTable } from '../../../shared/domain/change-events';

const bus = mockClient(EventBridgeClient);
afterEach(() => bus.reset());

const tables = new Map<string, StreamedTable>([
  ['dev-Consents', 'consents'],
  ['dev-Subscriptions', 'subscriptions'],
]);
const record = (
  table: string,
  seq: string,
  eventName: 'INSERT' | 'MODIFY',
  newItem: Record<string, unknown>,
  oldItem?: Record<string, unknown>,
): DynamoDBRecord => ({
  eventID: seq,
  eventName,
  eventSource: 'aws:dynamodb',
  eventSourceARN: `arn:aws:dynamodb:ap-southeast-1:123456789012:table/${table}/stream/2026-11-20T00:00:00.000`,
  dynamodb: {
    ApproximateCreationDateTime: 1_763_600_000,
    SequenceNumber: seq,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
    NewImage: marshall(newItem) as never,
    ...(oldItem ? { OldImage: marshall(oldItem) as never } : {}),
  },
});
const receipt = (n: number) => ({
  pk: 'visitor-0001',
  sk: `RECEIPT#r-${n}`,
  receiptId: `r-${n}`,
  visitorId: 'visitor-0001',
  policyVersion: '2026-01',
  choices: { necessary: true, analytics: n % 2 === 0, marketing: false },
  recordedAt: '2026-11-20T00:00:00.000Z',
});
const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
const handler = makeHandler({ events: new EventBridgePublisher('dev-bus', new EventBridgeClient({ region: 'ap-southeast-1' })), tables });

describe('publish-changes', () => {
  it('puts one event per announced change on the bus, in PutEvents calls of at most 10', async () => {
    bus.on(PutEventsCommand).callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
    const records = Array.from({ length: 12 }, (_, i) => record('dev-Consents', String(i), 'INSERT', receipt(i)));
    records.push(
      record(
        'dev-Subscriptions',
        '12',
        'MODIFY',
        { pk: 'a'.repeat(64), subscribed: false, via: 'one-click', unsubscribedAt: '2026-11-20T00:00:00.000Z' },
        { pk: 'a'.repeat(64), subscribed: true },
      ),
    );
    records.push(record('dev-Visits', '13', 'INSERT', { pk: 'V#visitor-0001', sk: 'x' }));
    expect(await handler(batch(...records))).toEqual({ published: 13 });
    const calls = bus.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length)).toEqual([10, 3]);
    const entries = calls.flatMap((c) => c.args[0].input.Entries!);
    expect(entries.every((e) => e.Source === 'shop.privacy' && e.EventBusName === 'dev-bus')).toBe(true);
    expect(entries.map((e) => e.DetailType).at(-1)).toBe('address.suppressed');
  });

  it('fails the batch when EventBridge refuses an entry, so the stream delivers it again', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(handler(batch(record('dev-Consents', '1', 'INSERT', receipt(1))))).rejects.toThrow(/refused 1 of 1/);
  });

  it('fails the batch when PutEvents itself fails', async () => {
    bus.on(PutEventsCommand).rejects(new Error('throttled'));
    await expect(handler(batch(record('dev-Consents', '1', 'INSERT', receipt(1))))).rejects.toThrow('throttled');
  });

  it('calls nothing for a batch without announced changes', async () => {
    expect(await handler(batch(record('dev-Subscriptions', '1', 'INSERT', { pk: 'a'.repeat(64), subscribed: true })))).toEqual({ published: 0 });
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
