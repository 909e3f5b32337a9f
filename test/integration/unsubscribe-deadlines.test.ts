/**
 * Unsubscribe and deadlines against the emulator: links, one-click, suppression checks, opt-out by
 * mail, a deadline chain hopping through the real SQS queue, and poison messages reaching the DLQ.
 */
import { ReceiveMessageCommand, SendMessageCommand, SQSClient, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { deliverMail } from '../../scripts/lib/inbox';
import { startLocalServer } from '../../scripts/lib/local-server';
import { startLocalWorkers } from '../../scripts/lib/local-workers';
import { sentMail } from '../../scripts/lib/outbox';
import { deadlineDeps, requestStore } from '../../shared/adapters/wiring';
import { subscriptionReadDeps } from '../../shared/adapters/wiring/subscriptions';
import { processJob, startChain } from '../../shared/domain/deadline-service';
import type { DeadlineJob } from '../../shared/domain/ports';
import { NOTICE_LEASE_MS, subscriberKey } from '../../shared/domain/subscriptions';
import { QUEUES } from '../../shared/resources';
import { WORKERS } from '../../shared/workers';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');
const endpoint = inject('motoEndpoint');
const sqs = new SQSClient({});

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url, { stringBodyType: 'application/x-www-form-urlencoded' });
const staff = asStaff(call, 'staff');
const mailTo = async (address: string) => (await sentMail(endpoint)).filter((m) => m.to.includes(address));
const address = () => `sub-${randomUUID().slice(0, 8)}@example.com`;

describe('unsubscribe over HTTP', () => {
  it('shows a page that changes nothing, then one click suppresses at once and is confirmed once', async () => {
    const email = address();
    const link = await call('POST', '/v1/admin/unsubscribe-links', { email });
    expect(link.body.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const path = new URL(link.body.url).pathname + new URL(link.body.url).search;

    const page = await call('GET', path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('ยกเลิกการรับข่าวสาร');
    expect((await call('GET', `/v1/subscriptions/${email}`)).body).toEqual({ email, subscribed: true });

    expect((await call('POST', path, 'List-Unsubscribe=One-Click')).body).toEqual({ unsubscribed: true });
    expect((await call('GET', `/v1/subscriptions/${email}`)).body).toMatchObject({
      email,
      subscribed: false,
      via: 'one-click',
      unsubscribedAt: expect.any(String),
    });
    expect((await call('POST', path, 'List-Unsubscribe=One-Click')).status).toBe(200); // replayed
    expect(await mailTo(email)).toHaveLength(1);

    const check = await call('POST', '/v1/subscriptions/check', { emails: [email, 'still-here@example.com'] });
    expect(check.body).toEqual({ subscribed: ['still-here@example.com'], suppressed: [email] });
  });

  it('answers the same for an address it never heard of, and refuses altered tokens and bodies', async () => {
    const { signLink } = await import('../../shared/domain/signed-link');
    const { subscriberKey } = await import('../../shared/domain/subscriptions');
    const { LOCAL_SECRETS } = await import('../../scripts/lib/local-aws');
    const unknown = signLink('unsubscribe', { s: subscriberKey(address()) }, Buffer.from(LOCAL_SECRETS.tokenKey));
    expect((await call('POST', `/v1/unsubscribe?token=${unknown}`, 'List-Unsubscribe=One-Click')).body).toEqual({ unsubscribed: true });
    expect((await call('POST', `/v1/unsubscribe?token=${unknown.slice(0, -2)}zz`, 'List-Unsubscribe=One-Click')).status).toBe(400);
    expect((await call('POST', `/v1/unsubscribe?token=${unknown}`, 'List-Unsubscribe=Please')).status).toBe(400);
    expect((await call('GET', '/v1/unsubscribe?token=garbage')).status).toBe(400);
  });
});

describe('the unsubscribe notice in the suppression list', () => {
  it('is claimed by one of 5 concurrent deliveries, given back on failure, and never again once sent', async () => {
    const store = subscriptionReadDeps().subscriptions;
    const key = subscriberKey(address());
    const now = new Date();
    const until = new Date(now.getTime() + NOTICE_LEASE_MS);
    // Only an address we issued a link for or suppressed has a notice to claim.
    expect(await store.claimNotice(key, now, until, 'th')).toBe(false);
    await store.suppress(key, 'x@example.com', 'one-click', now);

    const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimNotice(key, now, until, 'th')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.markConfirmed(key, now)).toBe(false);
    await store.releaseNotice(key, new Date(until.getTime() + 1)); // not our claim: stays
    expect(await store.claimNotice(key, now, until, 'th')).toBe(false);
    await store.releaseNotice(key, until);
    // Owed since the first claim, in its language, and listed for the sweep by the sparse index.
    const owedKeys = async (before: Date) => (await store.owedNotices(before, 100)).map((o) => o.key);
    expect(await owedKeys(new Date(now.getTime() + 1))).toContain(key);
    expect(await owedKeys(now)).not.toContain(key);
    expect((await store.owedNotices(new Date(now.getTime() + 1), 100)).find((o) => o.key === key)).toMatchObject({ noticeLocale: 'th', via: 'one-click' });
    expect(await store.claimNotice(key, now, until, 'th')).toBe(true);
    await store.noticeSent(key, now);
    expect(await owedKeys(new Date(now.getTime() + 1))).not.toContain(key);
    expect(await store.get(key)).toMatchObject({ confirmedAt: now.toISOString() });
    expect((await store.get(key))?.noticeClaimedUntil).toBeUndefined();
    expect(await store.claimNotice(key, new Date(until.getTime() + 1), until, 'th')).toBe(false);
    expect(await store.markConfirmed(key, now)).toBe(false);
  });
});

describe('unsubscribe by mail', () => {
  it('applies an authenticated opt-out at once and records it as by e-mail', async () => {
    const email = address();
    const outcome = await deliverMail(Buffer.from(`From: ${email}\r\nSubject: Unsubscribe\r\n\r\nPlease stop sending me newsletters.\r\n`));
    expect(outcome).toMatchObject({ outcome: 'opened', type: 'stop_marketing' });
    expect((await call('GET', `/v1/subscriptions/${email}`)).body).toMatchObject({ subscribed: false, via: 'email' });
    expect((await staff('GET', `/v1/admin/requests/${outcome.requestId}`)).body).toMatchObject({ status: 'done' });
  });

  it('keeps an unauthenticated opt-out waiting for its link, with a deadline chain that will enforce it', async () => {
    const email = address();
    const outcome = await deliverMail(Buffer.from(`From: ${email}\r\nSubject: ยกเลิกการรับข่าวสาร\r\n\r\nไม่ต้องการรับอีเมลโปรโมชั่นอีกแล้วค่ะ\r\n`), { dmarc: 'FAIL' });
    expect(outcome).toMatchObject({ outcome: 'awaiting_confirmation', type: 'stop_marketing' });
    expect((await call('GET', `/v1/subscriptions/${email}`)).body.subscribed).toBe(true);
    const deps = deadlineDeps();
    expect(await deps.chains.get(outcome.requestId!)).toMatchObject({ hop: 0 });
  });
});

describe('deadline chain through SQS', () => {
  it('hops through the real queue until due, then enforces the unsubscribe', async ({ signal }) => {
    const email = address();
    const { requestId } = await call('POST', '/v1/requests', { email, type: 'stop_marketing', locale: 'en' }).then((r) => r.body);
    const request = (await requestStore().get(requestId))!;
    // A clock we move, and one-second hops, so a 7-day chain passes in a few real seconds.
    let now = new Date();
    const deps = { ...deadlineDeps(), clock: { now: () => now } };
    deps.settings = { ...deps.settings, maxDelaySeconds: 1 };
    await startChain(deps, request);
    const url = process.env[QUEUES.deadlines.envVar]!;
    const outcomes: string[] = [];
    // Bounded by the jobs handled, not by time: a long poll returns as soon as the next hop is
    // visible, however slow the machine; a chain that never closes fails on the count, and the
    // test's signal ends a wait that outlives its timeout.
    while (!outcomes.includes('closed') && outcomes.length < 60) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }), {
        abortSignal: signal,
      });
      for (const m of Messages) {
        const job = JSON.parse(m.Body!) as DeadlineJob;
        if (job.requestId !== requestId) continue; // other files' jobs share the queue in this run
        now = new Date(Math.max(now.getTime(), Date.parse(job.at) - 1000 * (outcomes.length % 2))); // sometimes early, then on time
        outcomes.push(await processJob(deps, job));
      }
    }
    expect(outcomes).toContain('waited');
    expect(outcomes.at(-1)).toBe('closed');
    expect((await call('GET', `/v1/subscriptions/${email}`)).body).toMatchObject({ subscribed: false, via: 'deadline' });
    expect(await requestStore().get(requestId)).toMatchObject({ status: 'done', note: 'enforced by deadline' });
  }, 120_000);

  it('moves a poison message to the dead-letter queue without blocking good ones', async ({ signal }) => {
    const url = process.env[QUEUES.deadlines.envVar]!;
    const dlqUrl = url.replace(/-Deadlines$/, '-Deadlines-dlq');
    const count = async (q: string) =>
      Number(
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!
          .ApproximateNumberOfMessages,
      );
    const poison = JSON.stringify({ poison: randomUUID() });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: poison }));
    const good: DeadlineJob = { v: 1, requestId: 'R-ABCDEFGH23', chainId: 'gone', hop: 0, milestone: 'due', at: new Date().toISOString() };
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(good) }));
    const workers = startLocalWorkers({ workers: WORKERS.filter((w) => w.trigger.kind === 'queue') });
    // The event that proves the redrive: the poison message itself arriving on the dead-letter queue
    // (long polls, so no interval to tune; the test's timeout aborts the wait).
    const deadLettered: string[] = [];
    try {
      while (!deadLettered.includes(poison)) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }), {
          abortSignal: signal,
        });
        deadLettered.push(...Messages.map((m) => m.Body!));
      }
    } finally {
      await workers.stop();
    }
    expect(deadLettered).toEqual([poison]);
    expect(await count(url)).toBe(0); // the good job was consumed while the poison one bounced
  }, 120_000);
});
