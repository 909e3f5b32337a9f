/**
 * Example consumer: how the shop's e-commerce backend takes its part of a privacy request. It reads
 * its queue of events out (the stack output `EventsOut<Id>QueueUrl`; locally `<prefix>-events-<id>`),
 * erases or corrects what it holds, and confirms back to the privacy API as its own IAM role
 * (`confirmRoleArn` in the stage settings). Events arrive at least once: it drops an `eventId` it has
 * handled. A message is deleted only after the confirmation was accepted, so a crash means redelivery.
 *
 *   npx tsx events/example-consumer/shop-backend.ts <queueUrl> <apiUrl>    # one pass, then exits
 *
 * Locally (no IAM signing) it names itself with the `x-local-system` header instead.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** The part of each event this consumer reads (schemas: events/schemas/). */
type Detail =
  | { type: 'member.erasure_due'; eventId: string; requestId: string; memberId: string }
  | {
      type: 'request.completed';
      eventId: string;
      requestId: string;
      requestType: string;
      outcome: string;
      memberId?: string;
      changes?: Record<string, unknown>;
    }
  | { type: string; eventId: string; requestId?: string };

/** The shop's own database, as far as this example needs it. */
export interface ShopDatabase {
  eraseCustomer(memberId: string): Promise<void>;
  correctCustomer(memberId: string, changes: Record<string, unknown>): Promise<void>;
  /** Event ids already handled (kept in the shop's database, so restarts do not repeat work). */
  seen(eventId: string): Promise<boolean>;
  remember(eventId: string): Promise<void>;
}

export type Confirm = (requestId: string, body: { outcome: string; reason?: string }) => Promise<void>;

/** Confirms over HTTPS: SigV4-signed as this process's IAM role in AWS, or with the local header. */
export function httpConfirm(apiUrl: string, as: { region: string } | { localSystemId: string }): Confirm {
  return async (requestId, body) => {
    const url = new URL(`${apiUrl.replace(/\/+$/, '')}/v1/fulfilment/requests/${encodeURIComponent(requestId)}`);
    const payload = JSON.stringify(body);
    let headers: Record<string, string> = { 'content-type': 'application/json' };
    if ('region' in as) {
      const signer = new SignatureV4({ service: 'execute-api', region: as.region, credentials: defaultProvider(), sha256: Sha256 });
      const signed = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          path: url.pathname,
          headers: { ...headers, host: url.host },
          body: payload,
        }),
      );
      headers = signed.headers as Record<string, string>;
    } else {
      headers['x-local-system'] = as.localSystemId;
    }
    const res = await fetch(url, { method: 'POST', headers, body: payload });
    // 404: the request does not wait for this system (nothing to confirm). 403: the stage does not
    // know this system as one that confirms (no `confirmRoleArn`): its work is done, nobody waits.
    // Anything else is an error, and the message stays on the queue for redelivery.
    if (res.status === 403) console.warn(`not a confirming system of this stage: ${await res.text()}`);
    else if (!res.ok && res.status !== 404) throw new Error(`confirmation refused: HTTP ${res.status} ${await res.text()}`);
  };
}

/** Handles one event: acts, then confirms; a failure to act is confirmed as failed with its reason. */
export async function handleEvent(detail: Detail, db: ShopDatabase, confirm: Confirm): Promise<void> {
  if (await db.seen(detail.eventId)) return;
  if (detail.type === 'member.erasure_due' && 'memberId' in detail) {
    const d = detail as Extract<Detail, { type: 'member.erasure_due' }>;
    try {
      await db.eraseCustomer(d.memberId);
      await confirm(d.requestId, { outcome: 'erased' });
    } catch (error) {
      await confirm(d.requestId, { outcome: 'failed', reason: (error as Error).message.slice(0, 500) });
    }
  } else if (detail.type === 'request.completed') {
    const d = detail as Extract<Detail, { type: 'request.completed' }>;
    if (d.requestType === 'edit' && d.outcome === 'done' && d.memberId && d.changes) {
      await db.correctCustomer(d.memberId, d.changes);
      await confirm(d.requestId, { outcome: 'edited' });
    }
  }
  await db.remember(detail.eventId);
}

/** One pass over the queue: every waiting event handled and deleted; what fails stays for redelivery. */
export async function consumeOnce(queueUrl: string, db: ShopDatabase, confirm: Confirm, sqs = new SQSClient({})): Promise<number> {
  let handled = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!Messages.length) return handled;
    for (const message of Messages) {
      await handleEvent((JSON.parse(message.Body!) as { detail: Detail }).detail, db, confirm);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
      handled++;
    }
  }
}

if (process.argv[1]?.endsWith('shop-backend.ts')) {
  const [queueUrl, apiUrl] = process.argv.slice(2);
  if (!queueUrl || !apiUrl) {
    console.error('usage: npx tsx events/example-consumer/shop-backend.ts <queueUrl> <apiUrl>');
    process.exit(2);
  }
  const seen = new Set<string>();
  const db: ShopDatabase = {
    eraseCustomer: async (memberId) => console.log(`erased customer ${memberId}`),
    correctCustomer: async (memberId, changes) => console.log(`corrected ${Object.keys(changes).join(', ')} of ${memberId}`),
    seen: async (id) => seen.has(id),
    remember: async (id) => void seen.add(id),
  };
  const local = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(apiUrl);
  const handled = await consumeOnce(
    queueUrl,
    db,
    httpConfirm(apiUrl, local ? { localSystemId: 'shop-backend' } : { region: process.env.AWS_REGION ?? 'ap-southeast-1' }),
  );
  console.log(`${handled} event(s) handled`);
}
