/**
 * Deadlines queue consumer: one hop per message (wait and re-send, or act when due). Reports partial
 * batch failures, so one bad message is retried alone and, after the queue's receive limit, lands on
 * the dead-letter queue without holding up the rest.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deadlineDeps } from '../../shared/adapters/wiring/deadlines';
import { processJob, type DeadlineDeps } from '../../shared/domain/deadline-service';
import type { DeadlineJob } from '../../shared/domain/ports';
import { log } from '../../shared/log';
import { DeadlineJobSchema } from '../../shared/schemas/subscriptions';

export const makeHandler =
  (deps: DeadlineDeps) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const parsed = DeadlineJobSchema.safeParse(JSON.parse(record.body));
        if (!parsed.success) throw new Error('not a deadline job');
        const outcome = await processJob(deps, parsed.data as DeadlineJob);
        if (outcome !== 'waited')
          log.info('deadline hop', { requestId: parsed.data.requestId, milestone: parsed.data.milestone, hop: parsed.data.hop, outcome });
      } catch (error) {
        // Poison or transient: SQS redelivers it alone; after maxReceiveCount it goes to the DLQ.
        // The body is never echoed: the log says which message, not what it held.
        log.error('deadline hop failed', {
          messageId: record.messageId,
          error: (error as Error).name,
          reason: error instanceof SyntaxError ? 'not JSON' : (error as Error).message.slice(0, 200),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };

export const handler = makeHandler(deadlineDeps());
