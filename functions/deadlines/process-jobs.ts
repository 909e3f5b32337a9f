/**
 * Deadlines queue consumer: one hop per message (wait and re-send, or act when due). Reports partial
 * batch failures, so one bad message is retried alone and, after the queue's receive limit, lands on
 * the dead-letter queue without holding up the rest.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deadlineDeps } from '../../shared/adapters/wiring/deadlines';
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { processJob, type DeadlineDeps } from '../../shared/domain/deadline-service';
import type { DeadlineJob, RegisterJob } from '../../shared/domain/ports';
import { processRegisterJob, type RegisterDeps } from '../../shared/domain/register-service';
import { log } from '../../shared/log';
import { RegisterJobSchema } from '../../shared/schemas/registers';
import { DeadlineJobSchema } from '../../shared/schemas/subscriptions';

export const makeHandler =
  (deps: DeadlineDeps, registers: RegisterDeps) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const body: unknown = JSON.parse(record.body);
        const parsed = DeadlineJobSchema.safeParse(body);
        if (parsed.success) {
          const outcome = await processJob(deps, parsed.data as DeadlineJob);
          if (outcome !== 'waited')
            log.info('deadline hop', { requestId: parsed.data.requestId, milestone: parsed.data.milestone, hop: parsed.data.hop, outcome });
          continue;
        }
        // A breach's or an agreement's chain: the same queue and hops, the register's own milestones.
        const job = RegisterJobSchema.safeParse(body);
        if (!job.success) throw new Error('not a deadline job');
        const outcome = await processRegisterJob(registers, job.data as RegisterJob);
        if (outcome !== 'waited')
          log.info('deadline hop', { register: job.data.register, entryId: job.data.entryId, milestone: job.data.milestone, hop: job.data.hop, outcome });
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

export const handler = makeHandler(deadlineDeps(), registerDeps());
