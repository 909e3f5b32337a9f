/**
 * Functions not behind the HTTP API, declared once like the routes: the stack builds them and their
 * triggers, the local mode runs them (inbox command, poller, scheduler), the bench measures them.
 */
import type { FunctionUses } from './routes';

import type { QueueKey, TableKey } from './resources';
import { STREAMED_TABLES } from './domain/change-events';
import { REPORT_STREAMS } from './domain/reports/aggregate';

export type Trigger =
  | { kind: 'ses' }
  | { kind: 'schedule'; expression: string }
  | { kind: 'queue'; queue: QueueKey; batchSize: number }
  /** The tables' DynamoDB Streams, one event source mapping per table. */
  | {
      kind: 'stream';
      tables: readonly TableKey[];
      batchSize: number;
      /** Tables whose old images this worker never reads: streamed with new images only, unless another worker needs both. */
      newImagesOnly?: readonly TableKey[];
      /** Lambda gathers records for up to this long before invoking: fewer, larger batches. */
      batchingWindowSeconds?: number;
      /** Deletions (erasure, TTL expiry) are filtered out by the event source mapping: they never invoke the worker. */
      ignoreRemoves?: boolean;
    };

export interface WorkerDef {
  id: string;
  handler: string;
  summary: string;
  trigger: Trigger;
  uses: FunctionUses;
  timeoutSeconds: number;
  memoryMb?: number;
}

export const WORKERS: WorkerDef[] = [
  {
    id: 'receiveEmail',
    handler: 'email/receive-email',
    summary: 'SES receipt rule: read the raw mail from S3, check verdicts, classify, open the request, acknowledge',
    trigger: { kind: 'ses' },
    uses: {
      tables: {
        requests: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
        members: ['Query'],
        audit: ['Query', 'PutItem'],
        subscriptions: ['GetItem', 'UpdateItem'],
      },
      buckets: { inboundMail: ['read'] },
      secrets: ['tokenKey'],
      queues: { deadlines: ['send'] },
      sendsMail: true,
      publishesEvents: true,
    },
    // Parsing a mail with a 10 MB attachment takes a while on a small function.
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  {
    id: 'anonymiseHolds',
    handler: 'jobs/anonymise-holds',
    summary: 'Daily: anonymise members whose dispute hold ended (policy 2.2)',
    trigger: { kind: 'schedule', expression: 'rate(1 day)' },
    uses: {
      tables: {
        members: ['Query', 'PutItem'],
        requests: ['Query', 'PutItem'],
        visits: ['Query', 'BatchWriteItem'],
        consents: ['Query', 'BatchWriteItem'],
        audit: ['Query', 'PutItem'],
      },
      publishesEvents: true,
    },
    timeoutSeconds: 300,
  },
  {
    id: 'processDeadlines',
    handler: 'deadlines/process-jobs',
    summary:
      'Deadlines queue: one hop per job; remind staff, escalate overdue requests, enforce unsubscribes (policy 6); breach (72 h) and agreement reminders to the DPO and the alarm topic',
    trigger: { kind: 'queue', queue: 'deadlines', batchSize: 10 },
    uses: {
      tables: {
        requests: ['GetItem', 'PutItem', 'UpdateItem'],
        audit: ['Query', 'PutItem'],
        subscriptions: ['GetItem', 'UpdateItem'],
        // Breach and agreement chains (entries and chain state); members for breach notices left owed.
        registers: ['GetItem', 'PutItem', 'UpdateItem'],
        members: ['GetItem'],
      },
      queues: { deadlines: ['send'] },
      sendsMail: true,
      alarmTopic: true,
      publishesEvents: true,
    },
    timeoutSeconds: 30,
  },
  {
    id: 'sweepChains',
    handler: 'deadlines/sweep-chains',
    summary:
      'Hourly: restart the deadline chain of any open request, breach or agreement whose chain went quiet, and finish the effects requests and registers still owe',
    trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
    uses: {
      tables: {
        requests: ['Query', 'GetItem', 'PutItem', 'UpdateItem'],
        audit: ['Query', 'PutItem'],
        subscriptions: ['GetItem', 'UpdateItem'],
        registers: ['Query', 'GetItem', 'PutItem', 'UpdateItem'],
        members: ['GetItem'],
      },
      queues: { deadlines: ['send'] },
      sendsMail: true,
      alarmTopic: true,
      publishesEvents: true,
    },
    timeoutSeconds: 120,
  },
  {
    id: 'publishChanges',
    handler: 'events/publish-changes',
    summary:
      'DynamoDB Streams of consents, disclosures and subscriptions: consent.changed, disclosure.recorded and the suppressions and resubscriptions made outside requests, put on the events bus',
    trigger: { kind: 'stream', tables: STREAMED_TABLES, batchSize: 100 },
    // Reads no table: the stream records carry the items; the tables' names only tell the records apart.
    uses: { publishesEvents: true },
    timeoutSeconds: 30,
  },
  {
    id: 'aggregateReports',
    handler: 'reports/aggregate-reports',
    summary:
      'DynamoDB Streams of visits, consents and requests: one report partial per batch and Bangkok day (policy 1.2), written once even when the batch comes again',
    // Large batches gathered for up to 5 minutes: a few invocations and writes per hour whatever the traffic.
    trigger: {
      kind: 'stream',
      tables: REPORT_STREAMS,
      batchSize: 1000,
      batchingWindowSeconds: 300,
      newImagesOnly: ['visits'],
      ignoreRemoves: true,
    },
    // Writes partials only (conditional puts in one transaction); reads no source table: the records carry the items.
    uses: { tables: { reports: ['PutItem'] }, secrets: ['reportKey'] },
    timeoutSeconds: 60,
  },
  {
    id: 'closeReportDays',
    handler: 'reports/close-report-days',
    summary: 'Daily after the Bangkok day ends: merge each finished day\u2019s report partials into counts only and delete the partials and their hashes',
    // 18:00 UTC is 01:00 in Bangkok: an hour after the day ends, long after the last batching window.
    trigger: { kind: 'schedule', expression: 'cron(0 18 * * ? *)' },
    uses: { tables: { reports: ['Query', 'PutItem', 'BatchWriteItem'] } },
    timeoutSeconds: 120,
  },
];

/** The tables a stream worker reads: the stack and the local mode turn their streams on. */
export const streamedTables = (workers: readonly WorkerDef[] = WORKERS) => [
  ...new Set(workers.flatMap((w) => (w.trigger.kind === 'stream' ? w.trigger.tables : []))),
];

/**
 * What each streamed table's stream carries: new images only when no worker reading it needs the old
 * ones (the visits table: records are written once), else both (a suppression or a closed request is
 * told by comparing the two).
 */
export function streamViewOf(table: TableKey, workers: readonly WorkerDef[] = WORKERS): 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' {
  const readers = workers.flatMap((w) => (w.trigger.kind === 'stream' && w.trigger.tables.includes(table) ? [w.trigger] : []));
  return readers.every((t) => t.newImagesOnly?.includes(table)) ? 'NEW_IMAGE' : 'NEW_AND_OLD_IMAGES';
}
