/**
 * What the local system published on its bus of events out: the emulator's EventBridge copies every
 * event to the published-events queue (local-aws.ts); this drains that queue into a file per
 * instance, so `npm run events` can show everything published since the instance started.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { REPO_ROOT } from '../../infra/stage-config';
import type { OutEvent } from '../../shared/domain/events-out';
import { PUBLISHED_EVENTS_QUEUE } from './local-aws';

/** An event as EventBridge delivers it to a queue: its envelope with our detail inside. */
export interface Delivered {
  id: string;
  'detail-type': string;
  source: string;
  time: string;
  detail: OutEvent;
}

/** Receives and deletes whatever waits on a queue of delivered events (no long wait: what is there now). */
export async function drainQueue(queueUrl: string, client = new SQSClient({})): Promise<Delivered[]> {
  const out: Delivered[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!Messages.length) return out;
    out.push(...Messages.map((m) => JSON.parse(m.Body!) as Delivered));
    await client.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
    );
  }
}

export const publishedFile = (port: number) => join(REPO_ROOT, '.local', 'events', `${port}.jsonl`);

/** Everything the instance published so far, oldest first (drained from its queue into its file). */
export async function publishedEvents(state: { endpoint: string; prefix: string; port: number }): Promise<Delivered[]> {
  const client = new SQSClient({
    endpoint: state.endpoint,
    region: process.env.AWS_REGION ?? 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: `${state.prefix}-${PUBLISHED_EVENTS_QUEUE}` }));
  const fresh = await drainQueue(QueueUrl!, client);
  const file = publishedFile(state.port);
  if (fresh.length) {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, fresh.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Delivered)
    : [];
}
