/**
 * Functions not behind the HTTP API, declared once like the routes: the stack builds them and their
 * triggers, the local mode runs them (inbox command, poller, scheduler), the bench measures them.
 */
import type { FunctionUses } from './routes';

export type Trigger = { kind: 'ses' } | { kind: 'schedule'; expression: string };

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
      tables: { requests: ['GetItem', 'PutItem', 'Query', 'UpdateItem'], members: ['Query'], audit: ['Query', 'PutItem'] },
      buckets: { inboundMail: ['read'] },
      secrets: ['tokenKey'],
      sendsMail: true,
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
      tables: { members: ['Query', 'PutItem'], visits: ['Query', 'BatchWriteItem'], consents: ['Query', 'BatchWriteItem'], audit: ['Query', 'PutItem'] },
    },
    timeoutSeconds: 300,
  },
];
