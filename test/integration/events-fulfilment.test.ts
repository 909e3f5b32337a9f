/**
 * Events out and fulfilment against the emulator: a completed delete publishes its events on the bus,
 * the emulator's EventBridge delivers them to the shop backend's queue, the example consumer
 * (events/example-consumer) erases and confirms as its system, and the request shows that system done
 * and closes; a system that never confirms keeps the request open and the staff reminder names it.
 * The shop backend confirms back in this file only (its stage settings gain a `confirmRoleArn`).
 */
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consumeOnce, httpConfirm, type ShopDatabase } from '../../events/example-consumer/shop-backend';
import { commonEnvironment, REPO_ROOT, stageFromCdkJson } from '../../infra/stage-config';
import { deliverMail } from '../../scripts/lib/inbox';
import { PUBLISHED_EVENTS_QUEUE } from '../../scripts/lib/local-aws';
import { startLocalServer } from '../../scripts/lib/local-server';
import { sentMail } from '../../scripts/lib/outbox';
import { drainQueue, type Delivered } from '../../scripts/lib/published-events';
import { deadlineDeps } from '../../shared/adapters/wiring';
import { processJob } from '../../shared/domain/deadline-service';
import { EVENT_BUS } from '../../shared/resources';
import { httpClient } from '../helpers/http';
import { asStaff, staffUsername } from '../helpers/staff-auth';

const base = stageFromCdkJson('local');
const settings = {
  ...base,
  eventConsumers: (base.eventConsumers ?? []).map((c) =>
    c.id === 'shop-backend' ? { ...c, confirmRoleArn: 'arn:aws:iam::000000000000:role/shop-backend-confirms' } : c,
  ),
};
// The functions read the confirming systems from their environment, as in AWS (set before any handler loads).
process.env.CONFIRMING_SYSTEMS = commonEnvironment(settings).CONFIRMING_SYSTEMS;
const endpoint = inject('motoEndpoint');
const sqs = new SQSClient({});
const prefix = process.env[EVENT_BUS.envVar]!.replace(new RegExp(`-${EVENT_BUS.id}$`), '');
const queueUrl = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: `${prefix}-${name}` }))).QueueUrl!;

let server: Awaited<ReturnType<typeof startLocalServer>>;
beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url);
const staff = asStaff(call, 'staff');
const dpo = asStaff(call, 'dpo');
const mailTo = async (address: string) => (await sentMail(endpoint)).filter((m) => m.to.includes(address));

/** The shop's database in the example: what it erased, and the event ids it handled. */
function shopDatabase() {
  const erased: string[] = [];
  const seen = new Set<string>();
  const db: ShopDatabase = {
    eraseCustomer: async (memberId) => {
      erased.push(memberId);
    },
    correctCustomer: async () => undefined,
    seen: async (id) => seen.has(id),
    remember: async (id) => {
      seen.add(id);
    },
  };
  return { db, erased };
}

/** A member with an open deletion request, opened by an authenticated mail. */
async function openDeletion() {
  const id = `m-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  expect((await call('PUT', `/v1/members/${id}`, { email, name: 'Somchai Jaidee', locale: 'en', marketingOptIn: true })).status).toBe(201);
  const raw = Buffer.from(
    readFileSync(join(REPO_ROOT, 'events', 'email', 'th-delete-utf8-base64.eml'))
      .toString('latin1')
      .replaceAll('Somchai.J@Example.com', email),
    'latin1',
  );
  const outcome = await deliverMail(raw, {}, `ev-${randomUUID()}`);
  expect(outcome).toMatchObject({ outcome: 'opened', type: 'delete' });
  return { memberId: id, email, requestId: outcome.requestId! };
}

describe('events out and fulfilment', () => {
  it('publishes a completed delete, the example consumer erases and confirms, and the request shows the system done and closes', async () => {
    const { memberId, email, requestId } = await openDeletion();
    const completed = await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done', note: 'erased here' });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'open', fulfilment: { systems: [{ system: 'shop-backend', action: 'erased', status: 'waiting' }] } });
    expect((await staff('GET', `/v1/admin/requests/${requestId}`)).body.fulfilment.systems).toEqual([
      { system: 'shop-backend', action: 'erased', status: 'waiting' },
    ]);
    // Carried out here, not complete: the requester is told only when every system has acted.
    const completionNotices = async () => (await mailTo(email)).filter((m) => m.subject.startsWith('Your request has been completed'));
    expect(await completionNotices()).toEqual([]);

    // Everything published is on the published-events queue (what `npm run events` shows) and matches.
    const published = (await drainQueue(await queueUrl(PUBLISHED_EVENTS_QUEUE))).filter(
      (e: Delivered) => 'requestId' in e.detail && e.detail.requestId === requestId,
    );
    expect(published.map((e) => e['detail-type']).sort()).toEqual([
      'address.suppressed',
      'member.deactivated',
      'member.erasure_due',
      'request.completed',
      'request.opened',
    ]);
    expect(published.every((e) => e.source === 'shop.privacy' && !JSON.stringify(e).includes(email))).toBe(true);

    const shop = shopDatabase();
    const handled = await consumeOnce(await queueUrl('events-shop-backend'), shop.db, httpConfirm(server.url, { localSystemId: 'shop-backend' }));
    expect(handled).toBeGreaterThanOrEqual(1);
    expect(shop.erased).toContain(memberId);

    const detail = (await staff('GET', `/v1/admin/requests/${requestId}`)).body;
    expect(detail.status).toBe('done');
    expect(detail.fulfilment.systems).toEqual([{ system: 'shop-backend', action: 'erased', status: 'done', at: expect.any(String) }]);
    expect(detail.history.map((h: { event: string }) => h.event)).toEqual(expect.arrayContaining(['carried_out:done', 'system:erased', 'completed:done']));
    expect(await completionNotices()).toHaveLength(1);
  });

  it('answers 403 to a caller that is not a confirming system, and 404 for a request that does not wait for it', async () => {
    const { requestId } = await openDeletion();
    expect((await call('POST', `/v1/fulfilment/requests/${requestId}`, { outcome: 'erased' })).status).toBe(403);
    expect((await call('POST', `/v1/fulfilment/requests/${requestId}`, { outcome: 'erased' }, { 'x-local-system': 'shop-backend' })).status).toBe(404);
  });

  it('lets the DPO, not staff, close a request the system never confirmed, naming the DPO and the reason in history', async () => {
    const { requestId } = await openDeletion();
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done' })).status).toBe(200);
    const reason = 'The shop backend erased by hand (ticket 4711); its confirmation job is broken';
    const refused = await staff('POST', `/v1/admin/requests/${requestId}/fulfilment-override`, { reason });
    expect(refused.status).toBe(403);
    expect((await staff('GET', `/v1/admin/requests/${requestId}`)).body.status).toBe('open');
    const closed = await dpo('POST', `/v1/admin/requests/${requestId}/fulfilment-override`, { reason });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'done', fulfilment: { overridden: { reason }, systems: [{ system: 'shop-backend', status: 'waiting' }] } });
    const detail = (await staff('GET', `/v1/admin/requests/${requestId}`)).body;
    expect(detail.history.at(-1)).toMatchObject({ event: 'completed:done:override', note: reason });
    expect(detail.history.at(-1).by).toContain(staffUsername('dpo'));
  });

  it('keeps the request open while the system has not confirmed, and the staff reminder names it', async () => {
    const { requestId } = await openDeletion();
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done' })).status).toBe(200);
    const deps = deadlineDeps();
    const chain = (await deps.chains.get(requestId))!;
    const request = (await staff('GET', `/v1/admin/requests/${requestId}`)).body;
    // The 2-days-before reminder's job, delivered when it is due (the clock moved to that moment).
    const at = new Date(Date.parse(request.dueAt) - 2 * 86_400_000);
    const outcome = await processJob(
      { ...deps, clock: { now: () => new Date(at.getTime() + 1000) } },
      { v: 1, requestId, chainId: chain.chainId, hop: chain.hop, milestone: 'remind-2d', at: at.toISOString() },
    );
    expect(outcome).toBe('acted');
    const reminder = (await mailTo(base.escalationAddress)).find((m) => m.subject.includes(requestId) && m.subject.startsWith('Reminder'));
    expect(reminder?.text).toContain('shop-backend (waiting)');
    expect((await staff('GET', `/v1/admin/requests/${requestId}`)).body.status).toBe('open');
  });
});
