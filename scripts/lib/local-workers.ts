/**
 * Stand-ins for what AWS runs around the functions: a poller that feeds the deadlines queue to its
 * worker (as the SQS event source mapping does, honouring partial batch failures, so moto's redrive
 * moves poison messages to the DLQ) and a timer for the scheduled jobs. Used by `npm start`.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../infra/stage-config';
import { QUEUES } from '../../shared/resources';
import { log } from '../../shared/log';
import { WORKERS, type WorkerDef } from '../../shared/workers';

const load = async <T>(worker: WorkerDef) =>
  ((await import(pathToFileURL(join(REPO_ROOT, 'functions', `${worker.handler}.ts`)).href)) as { handler: T }).handler;

export interface LocalWorkers {
  stop(): Promise<void>;
  /** Runs every scheduled job once now (tests, and `npm run clock` after a jump). */
  runSchedules(): Promise<void>;
}

export function startLocalWorkers(options: { pollMs?: number; scheduleMs?: number; workers?: WorkerDef[] } = {}): LocalWorkers {
  const sqs = new SQSClient({});
  let running = true;
  const loops: Promise<void>[] = [];
  const timers: NodeJS.Timeout[] = [];
  const scheduled = (options.workers ?? WORKERS).filter((w) => w.trigger.kind === 'schedule');

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
      await Promise.all(loops);
    },
  };
}
