/**
 * Changes written outside request steps reach the bus through the tables' streams, against the
 * emulator: a consent posted over HTTP, a disclosure recorded by the DPO, an unsubscribe by the
 * link's one-click POST and a member account cancelled by the storefront backend each end up on the local published-events queue (what `npm run events`
 * shows), read by the local stream poller as `npm start` runs it, with no address in clear; an
 * opt-out by mail or by a confirmed request form, which its request step publishes, is not published a
 * second time from the stream.
 */
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { deliverMail } from '../../scripts/lib/inbox';
import { PUBLISHED_EVENTS_QUEUE } from '../../scripts/lib/local-aws';
import { startLocalServer } from '../../scripts/lib/local-server';
import { startLocalWorkers, type LocalWorkers } from '../../scripts/lib/local-workers';
import { linkIn, sentMail } from '../../scripts/lib/outbox';
import type { Delivered } from '../../scripts/lib/published-events';
import { addressHash } from '../../shared/domain/events-out';
import { EVENT_BUS } from '../../shared/resources';
import { WORKERS } from '../../shared/workers';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';

const sqs = new SQSClient({});
const prefix = process.env[EVENT_BUS.envVar]!.replace(new RegExp(`-${EVENT_BUS.id}$`), '');

let server: Awaited<ReturnType<typeof startLocalServer>>;
let workers: LocalWorkers | undefined;
let published: string;
beforeAll(async () => {
  server = await startLocalServer({ settings: stageFromCdkJson('local'), port: 0 });
  workers = startLocalWorkers({ workers: WORKERS.filter((w) => w.trigger.kind === 'stream') });
  published = (await sqs.send(new GetQueueUrlCommand({ QueueName: `${prefix}-${PUBLISHED_EVENTS_QUEUE}` }))).QueueUrl!;
});
afterAll(async () => {
  await workers?.stop();
  await server?.close();
});

const call = httpClient(() => server.url, { stringBodyType: 'application/x-www-form-urlencoded' });
const dpo = asStaff(call, 'dpo');

/** Events off the published-events queue (long polls, each answered as soon as a message arrives) until `found` says enough. */
async function receiveUntil(found: (events: Delivered[]) => boolean): Promise<Delivered[]> {
  const events: Delivered[] = [];
  while (!found(events)) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: published, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
    events.push(...Messages.map((m) => JSON.parse(m.Body!) as Delivered));
  }
  return events;
}

describe('change events through the streams (local mode)', () => {
  it('publishes a consent, a disclosure, a one-click unsubscribe and the suppression of a cancelled account on the published-events queue, without the address in clear', async () => {
    const visitorId = `v-${randomUUID()}`;
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    const email = `${memberId}@example.com`;

    const consent = await call('POST', '/v1/consents', {
      visitorId,
      policyVersion: '2024-01',
      choices: { necessary: true, analytics: true, marketing: false },
    });
    expect(consent.status).toBe(201);
    const disclosure = await dpo('POST', '/v1/admin/disclosures', {
      recipient: 'Central Court',
      legalBasis: 'required_by_law',
      reference: 'Order 123/2569',
      categories: ['orders'],
      disclosedAt: new Date().toISOString(),
    });
    expect(disclosure.status).toBe(201);
    const link = await call('POST', '/v1/admin/unsubscribe-links', { email });
    const url = new URL(link.body.url);
    expect((await call('POST', url.pathname + url.search, 'List-Unsubscribe=One-Click')).body).toEqual({ unsubscribed: true });
    // A member account the storefront backend cancels: the address is suppressed (policy 2.2) and announced.
    const cancelledId = `m-${randomUUID().slice(0, 8)}`;
    const cancelledEmail = `${cancelledId}@example.com`;
    expect((await call('PUT', `/v1/members/${cancelledId}`, { email: cancelledEmail, locale: 'th', marketingOptIn: true })).status).toBeLessThan(300);
    expect((await call('POST', `/v1/members/${cancelledId}/cancel`, { reason: 'closed by the customer' })).status).toBe(200);

    const mine = (events: Delivered[]) => ({
      consent: events.filter((e) => e.detail.type === 'consent.changed' && e.detail.visitorId === visitorId),
      disclosure: events.filter((e) => e.detail.type === 'disclosure.recorded' && e.detail.recipient === 'Central Court'),
      suppressed: events.filter((e) => e.detail.type === 'address.suppressed' && e.detail.addressHash === addressHash(email)),
      cancelled: events.filter((e) => e.detail.type === 'address.suppressed' && e.detail.addressHash === addressHash(cancelledEmail)),
    });
    const events = await receiveUntil((seen) => Object.values(mine(seen)).every((found) => found.length > 0));
    const { consent: consents, disclosure: disclosures, suppressed, cancelled } = mine(events);

    expect(consents.map((e) => e.detail)).toEqual([expect.objectContaining({ policyVersion: '2024-01', choices: { analytics: true, marketing: false } })]);
    expect(disclosures.map((e) => e.detail)).toEqual([expect.objectContaining({ legalBasis: 'required_by_law', categories: ['orders'] })]);
    expect(suppressed.map((e) => e.detail)).toEqual([expect.objectContaining({ via: 'one-click' })]);
    expect(cancelled.map((e) => e.detail)).toEqual([expect.objectContaining({ via: 'account-cancelled' })]);
    expect(events.every((e) => e.source === 'shop.privacy' && !JSON.stringify(e).includes(email) && !JSON.stringify(e).includes(cancelledEmail))).toBe(true);
  });

  it('publishes an opt-out by mail or by a confirmed form once (by its request step), not again from the stream', async () => {
    const byMail = `mail-${randomUUID().slice(0, 8)}@example.com`;
    const byForm = `form-${randomUUID().slice(0, 8)}@example.com`;
    const byLink = `link-${randomUUID().slice(0, 8)}@example.com`;
    const outcome = await deliverMail(Buffer.from(`From: ${byMail}\r\nSubject: Unsubscribe\r\n\r\nPlease stop sending me newsletters.\r\n`));
    expect(outcome).toMatchObject({ outcome: 'opened', type: 'stop_marketing' });
    const form = await call('POST', '/v1/requests', { email: byForm, type: 'stop_marketing', locale: 'en' });
    expect(form.status).toBe(202);
    const mail = (await sentMail(inject('motoEndpoint'))).find((m) => m.to.includes(byForm));
    const token = new URL(linkIn(mail!, '/v1/requests/verify?token=')!).searchParams.get('token')!;
    expect((await call('POST', '/v1/requests/verify', { token })).body).toMatchObject({ status: 'done' });
    // Written after the opt-out by mail on the same table: the stream delivers records in order, so
    // once this one is published, the mail's record has been read too.
    const link = await call('POST', '/v1/admin/unsubscribe-links', { email: byLink });
    const url = new URL(link.body.url);
    expect((await call('POST', url.pathname + url.search, 'List-Unsubscribe=One-Click')).status).toBe(200);

    const suppressionOf = (events: Delivered[], email: string) =>
      events.filter((e) => e.detail.type === 'address.suppressed' && e.detail.addressHash === addressHash(email));
    const events = await receiveUntil((seen) => [byMail, byForm, byLink].every((email) => suppressionOf(seen, email).length > 0));
    expect(suppressionOf(events, byMail).map((e) => e.detail)).toEqual([expect.objectContaining({ via: 'email', requestId: outcome.requestId })]);
    expect(suppressionOf(events, byForm).map((e) => e.detail)).toEqual([expect.objectContaining({ via: 'link', requestId: form.body.requestId })]);
  });
});
