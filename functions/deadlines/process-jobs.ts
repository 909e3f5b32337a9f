/**
 * Deadlines queue consumer: one hop per message (wait and re-send, or act when due). Reports partial
 * batch failures, so one bad message is retried alone and, after the queue's receive limit, lands on
 * the dead-letter queue without holding up the rest.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deadlineDeps } from '../../shared/adapters/wiring/deadlines';
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { tellSubject } from '../../shared/domain/breach-notices';
import { processJob, type DeadlineDeps } from '../../shared/domain/deadline-service';
import { processRegisterJob, startRegisterChain, type RegisterDeps } from '../../shared/domain/register-service';
import { log } from '../../shared/log';
import { deadlineJobOf, registerJobOf } from '../../shared/schemas/deadline-jobs';

export const makeHandler =
  (deps: DeadlineDeps, registers: RegisterDeps) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const body: unknown = JSON.parse(record.body);
        const requestJob = deadlineJobOf(body);
        if (requestJob) {
          const outcome = await processJob(deps, requestJob);
          if (outcome !== 'waited')
            log.info('deadline hop', { requestId: requestJob.requestId, milestone: requestJob.milestone, hop: requestJob.hop, outcome });
          continue;
        }
        // A breach's or an agreement's chain: the same queue and hops, the register's own milestones.
        const job = registerJobOf(body);
        if (!job) throw new Error('not a deadline job');
        const outcome = await processRegisterJob(registers, job);
        if (outcome !== 'waited') log.info('deadline hop', { register: job.register, entryId: job.entryId, milestone: job.milestone, hop: job.hop, outcome });
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

export const handler = makeHandler(deadlineDeps(), registerDeps({ tellSubject, startChain: startRegisterChain }));
