/**
 * Stand-ins for what AWS runs around the functions: a poller that feeds the deadlines queue to its
 * worker (as the SQS event source mapping does, honouring partial batch failures, so moto's redrive
 * moves poison messages to the DLQ), a poller of the emulator's DynamoDB Streams for the stream
 * worker (as the stream event source mapping does: from the oldest record, a failed batch read again)
 * and a timer for the scheduled jobs. Used by `npm start`.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../infra/stage-config';
import { QUEUES, TABLES, type TableKey } from '../../shared/resources';
import { log } from '../../shared/log';
import { WORKERS, type WorkerDef } from '../../shared/workers';

const load = async <T>(worker: WorkerDef) =>
  ((await import(pathToFileURL(join(REPO_ROOT, 'functions', `${worker.handler}.ts`)).href)) as { handler: T }).handler;

export interface LocalWorkers {
  stop(): Promise<void>;
  /** Runs every scheduled job once now (tests, and `npm run clock` after a jump). */
  runSchedules(): Promise<void>;
}

/** Told after a stream worker handled a batch: tests await this instead of polling for its effect. */
export type StreamBatchListener = (batch: { worker: string; table: TableKey; records: number }) => void;

export function startLocalWorkers(
  options: { pollMs?: number; scheduleMs?: number; workers?: WorkerDef[]; onStreamBatch?: StreamBatchListener } = {},
): LocalWorkers {
  const sqs = new SQSClient({});
  let running = true;
  const loops: Promise<void>[] = [];
  const timers: NodeJS.Timeout[] = [];
  const scheduled = (options.workers ?? WORKERS).filter((w) => w.trigger.kind === 'schedule');
  /** Wakes every idle stream poller at once when stopping, so none waits out its pause. */
  const wake = new Set<() => void>();
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake.add(done);
    });

  for (const worker of options.workers ?? WORKERS) {
    if (worker.trigger.kind !== 'stream') continue;
    const { tables, batchSize } = worker.trigger;
    for (const table of tables) {
      loops.push(
        (async () => {
          const handler = await load<(e: DynamoDBStreamEvent) => Promise<unknown>>(worker);
          await pollStream({
            worker,
            table,
            batchSize,
            handler,
            running: () => running,
            idle: () => idle(options.pollMs ?? 500),
            ...(options.onStreamBatch ? { onBatch: options.onStreamBatch } : {}),
          });
        })(),
      );
    }
  }

  for (const worker of options.workers ?? WORKERS) {
    if (worker.trigger.kind !== 'queue') continue;
    const { queue, batchSize } = worker.trigger;
    loops.push(
      (async () => {
        const handler = await load<(e: SQSEvent) => Promise<SQSBatchResponse>>(worker);
        while (running) {
          try {
            const url = process.env[QUEUES[queue].envVar]!;
            const { Messages = [] } = await sqs.send(
              new ReceiveMessageCommand({
                QueueUrl: url,
                MaxNumberOfMessages: batchSize,
                WaitTimeSeconds: 1,
                MessageSystemAttributeNames: ['ApproximateReceiveCount'],
              }),
            );
            if (!Messages.length) continue;
            const event: SQSEvent = {
              Records: Messages.map((m) => ({
                messageId: m.MessageId!,
                receiptHandle: m.ReceiptHandle!,
                body: m.Body ?? '',
                attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' } as never,
                messageAttributes: {},
                md5OfBody: m.MD5OfBody ?? '',
                eventSource: 'aws:sqs',
                eventSourceARN: `arn:aws:sqs:local:000000000000:${queue}`,
                awsRegion: process.env.AWS_REGION ?? 'local',
              })),
            };
            let failed = new Set<string>();
            try {
              failed = new Set((await handler(event)).batchItemFailures.map((f) => f.itemIdentifier));
            } catch {
              failed = new Set(Messages.map((m) => m.MessageId!));
            }
            const done = Messages.filter((m) => !failed.has(m.MessageId!));
            const retry = Messages.filter((m) => failed.has(m.MessageId!));
            if (done.length)
              await sqs.send(
                new DeleteMessageBatchCommand({ QueueUrl: url, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
              );
            // Locally a failed message comes back at once instead of after the visibility timeout, so a
            // poison message reaches the dead-letter queue within seconds (the redrive count is the same).
            if (retry.length)
              await sqs.send(
                new ChangeMessageVisibilityBatchCommand({
                  QueueUrl: url,
                  Entries: retry.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
                }),
              );
          } catch (error) {
            if (running) log.error('local poller', { worker: worker.id, error: (error as Error).message });
            await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
          }
        }
      })(),
    );
  }

  const runSchedules = async () => {
    for (const worker of scheduled) {
      try {
        await (await load<() => Promise<unknown>>(worker))();
      } catch (error) {
        log.error('local schedule', { worker: worker.id, error: (error as Error).message });
      }
    }
  };
  if (scheduled.length) timers.push(setInterval(() => void runSchedules(), options.scheduleMs ?? 10_000));

  return {
    runSchedules,
    async stop() {
      running = false;
      timers.forEach(clearInterval);
      for (const done of [...wake]) done();
      await Promise.all(loops);
    },
  };
}

/** As the stream event source mapping retries a failed batch before it gives up on it (infra/constructs/workers.ts). */
const STREAM_ATTEMPTS = 11;

/** The record as Lambda hands it over: the SDK's dates become epoch seconds. */
const asLambdaRecord = (record: _Record, streamArn: string): DynamoDBRecord =>
  ({
    ...record,
    eventSourceARN: streamArn,
    dynamodb: {
      ...record.dynamodb,
      ...(record.dynamodb?.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
    },
  }) as DynamoDBRecord;

/**
 * Reads one table's stream from its oldest record, shard by shard (the emulator keeps one shard per
 * table), and hands each batch to the worker. A batch the worker fails is read again from the same
 * iterator, as many times as AWS would retry it; then it is logged and passed over, as AWS would send
 * its position to the on-failure queue.
 */
async function pollStream(p: {
  worker: WorkerDef;
  table: TableKey;
  batchSize: number;
  handler: (e: DynamoDBStreamEvent) => Promise<unknown>;
  running: () => boolean;
  idle: () => Promise<void>;
  onBatch?: StreamBatchListener;
}) {
  const dynamodb = new DynamoDBClient({});
  const streams = new DynamoDBStreamsClient({});
  const iterators = new Map<string, string | undefined>();
  let streamArn: string | undefined;
  let failures = 0;
  while (p.running()) {
    try {
      if (!streamArn) {
        const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: process.env[TABLES[p.table].envVar]! }));
        streamArn = Table?.LatestStreamArn;
        if (!streamArn) throw new Error(`the ${p.table} table has no stream`);
      }
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!iterators.has(shard.ShardId!)) {
          const { ShardIterator } = await streams.send(
            new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
          );
          iterators.set(shard.ShardId!, ShardIterator);
        }
      }
      let read = 0;
      for (const [shardId, iterator] of iterators) {
        if (!iterator || !p.running()) continue;
        const { Records = [], NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: p.batchSize }));
        if (Records.length) {
          try {
            await p.handler({ Records: Records.map((r) => asLambdaRecord(r, streamArn!)) });
            failures = 0;
            p.onBatch?.({ worker: p.worker.id, table: p.table, records: Records.length });
          } catch (error) {
            if (++failures < STREAM_ATTEMPTS) {
              log.error('local stream batch failed; reading it again', { worker: p.worker.id, table: p.table, error: (error as Error).message });
              continue;
            }
            log.error('local stream batch failed after retries; passed over', { worker: p.worker.id, table: p.table, records: Records.length });
            failures = 0;
          }
        }
        read += Records.length;
        iterators.set(shardId, NextShardIterator);
      }
      if (!read) await p.idle();
    } catch (error) {
      if (p.running()) log.error('local stream poller', { worker: p.worker.id, table: p.table, error: (error as Error).message });
      await p.idle();
    }
  }
}
