/**
 * The routes the staff console calls, over HTTP against the emulator: the queue with its filters and
 * counts, a request with everything to decide and the actions on it, the member view and look-up,
 * the suppression look-up, and reading recorded as `viewed` in the audit chain (policy 4).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { deliverMail } from '../../scripts/lib/inbox';
import { startLocalServer } from '../../scripts/lib/local-server';
import { linkIn, sentMail } from '../../scripts/lib/outbox';
import { httpClient } from '../helpers/http';
import { asStaff, staffUsername } from '../helpers/staff-auth';
import type { Json } from '../helpers/json';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
  STAFF_ACTOR = staffUsername('staff');
  DPO_ACTOR = staffUsername('dpo');
});
afterAll(() => server.close());

const call = httpClient(() => server.url);
const staff = asStaff(call, 'staff');
const dpo = asStaff(call, 'dpo');
/** How history and audit name the demo people (never "local" or "unknown"). */
let STAFF_ACTOR: string;
let DPO_ACTOR: string;

async function member(locale: 'th' | 'en' = 'en') {
  const id = `m-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  expect((await call('PUT', `/v1/members/${id}`, { email, name: 'Somchai Jaidee', locale, marketingOptIn: true })).status).toBe(201);
  return { id, email };
}

const mail = (from: string, subject: string, text: string) =>
  Buffer.from(`From: ${from}\r\nSubject: ${subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);

const viewedEntries = async (subject: string) =>
  ((await dpo('GET', `/v1/admin/audit/${subject}`)).body.entries as Json[]).filter((e: Json) => e.action === 'viewed');

describe('queue', () => {
  it('lists an opened mail request with its days left and channel, narrows by type and channel, and counts', async () => {
    const m = await member();
    const { requestId } = await deliverMail(mail(m.email, 'Delete my data', 'Please delete my personal data.'));
    const queue = await staff('GET', '/v1/admin/requests?status=open&limit=100');
    expect(queue.status).toBe(200);
    expect(queue.body.items).toContainEqual(
      expect.objectContaining({ id: requestId, type: 'delete', channel: 'email', from: m.email, identityConfirmed: true, overdue: false }),
    );
    // Due 30 days after receipt to the minute: 30 calendar days left, or 29 if Bangkok's midnight fell in between.
    expect([29, 30]).toContain(queue.body.items.find((i: Json) => i.id === requestId).daysLeft);
    expect(queue.body.counts).toMatchObject({ open: expect.any(Number), dueSoon: expect.any(Number), overdue: expect.any(Number) });
    expect(queue.body.counts.open).toBeGreaterThanOrEqual(1);
    const webOnly = await staff('GET', '/v1/admin/requests?status=open&channel=web&limit=100');
    expect(webOnly.body.items.map((i: Json) => i.id)).not.toContain(requestId);
    const deletes = await staff('GET', '/v1/admin/requests?status=open&type=delete&limit=100');
    expect(deletes.body.items.map((i: Json) => i.id)).toContain(requestId);
    expect((await staff('GET', '/v1/admin/requests?status=closed')).status).toBe(200);
  });

  it('answers 400 for an unknown status, type or channel, and for a cursor it did not issue', async () => {
    for (const query of ['status=archived', 'type=refund', 'channel=fax', 'next=bm90LWEtY3Vyc29y'])
      expect((await staff('GET', `/v1/admin/requests?${query}`)).status, query).toBe(400);
  });
});

describe('one request', () => {
  it('shows the classification and its phrases, the mail as text and the member, and records the look first', async () => {
    const m = await member();
    const { requestId } = await deliverMail(mail(m.email, 'Delete my data', 'Please <b>delete</b> my personal data.'));
    const detail = await staff('GET', `/v1/admin/requests/${requestId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.classification).toMatchObject({ type: 'delete', matched: expect.arrayContaining([expect.stringMatching(/^delete: /)]) });
    expect(detail.body.mail).toMatchObject({
      subject: 'Delete my data',
      text: expect.stringContaining('my personal data'),
      assessment: 'authenticated',
      hasRawMail: true,
    });
    expect(detail.body.member).toMatchObject({ memberId: m.id, status: 'active' });
    expect(detail.body.milestones.map((x: Json) => x.name)).toEqual(['remind-2d', 'remind-1d', 'due']);
    expect(await viewedEntries(m.id)).toEqual([expect.objectContaining({ actor: STAFF_ACTOR, requestId, details: { what: 'request' } })]);
    expect((await staff('GET', `/v1/admin/requests/${requestId}/raw`)).status).toBe(200);
    expect((await viewedEntries(m.id)).map((e: Json) => e.details.what)).toEqual(['request', 'raw_mail']);
  });

  it('previews the completion notice, reclassifies with a new due date, takes comments and an assignee, all in the history', async () => {
    const m = await member('th');
    const { requestId } = await deliverMail(mail(m.email, 'Delete my data', 'Please delete my personal data.'));
    const preview = await staff('POST', `/v1/admin/requests/${requestId}/completion-preview`, { outcome: 'rejected', note: 'ยืนยันตัวตนไม่ได้' });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ locale: 'th', subject: expect.stringContaining(requestId!), text: expect.stringContaining('ยืนยันตัวตนไม่ได้') });
    expect((await staff('POST', `/v1/admin/requests/${requestId}/completion-preview`, { outcome: 'rejected' })).status).toBe(400);

    const before = await staff('GET', `/v1/admin/requests/${requestId}`);
    const reclassified = await staff('POST', `/v1/admin/requests/${requestId}/reclassify`, { type: 'access', reason: 'asks what we hold' });
    expect(reclassified.status).toBe(200);
    expect(reclassified.body).toMatchObject({ type: 'access', dueAt: before.body.dueAt });
    expect(reclassified.body).not.toHaveProperty('mail');
    const toUnsubscribe = await staff('POST', `/v1/admin/requests/${requestId}/reclassify`, { type: 'stop_marketing', reason: 'newsletters only' });
    expect(Date.parse(toUnsubscribe.body.dueAt)).toBe(Date.parse(before.body.receivedAt) + 7 * 86_400_000);
    expect((await staff('POST', `/v1/admin/requests/${requestId}/reclassify`, { type: 'stop_marketing', reason: '' })).status).toBe(400);

    expect((await staff('POST', `/v1/admin/requests/${requestId}/comments`, { text: 'Checked the ID card' })).status).toBe(201);
    expect((await staff('POST', `/v1/admin/requests/${requestId}/assign`, { assignee: 'somsri' })).body).toMatchObject({ assignee: 'somsri' });
    const after = await staff('GET', `/v1/admin/requests/${requestId}`);
    expect(after.body.history.map((h: Json) => h.event)).toEqual(expect.arrayContaining(['reclassified', 'reclassified', 'comment', 'assigned']));
    expect(after.body.classification.reclassifications).toHaveLength(2);
    expect(after.body.history.filter((h: Json) => ['reclassified', 'comment', 'assigned'].includes(h.event)).map((h: Json) => h.by)).toEqual([
      STAFF_ACTOR,
      STAFF_ACTOR,
      STAFF_ACTOR,
      STAFF_ACTOR,
    ]);
    const audit = (await dpo('GET', `/v1/admin/audit/${m.id}`)).body;
    expect(audit.verification.ok).toBe(true);
    expect(audit.entries.map((e: Json) => e.action)).toEqual(expect.arrayContaining(['request.reclassified', 'request.commented', 'request.assigned']));
  });

  it('answers 404 for an unknown request on every action, writing nothing', async () => {
    const id = 'R-ABCDEFGH23';
    expect((await staff('GET', `/v1/admin/requests/${id}`)).status).toBe(404);
    expect((await staff('POST', `/v1/admin/requests/${id}/reclassify`, { type: 'edit', reason: 'x' })).status).toBe(404);
    expect((await staff('POST', `/v1/admin/requests/${id}/comments`, { text: 'x' })).status).toBe(404);
    expect((await staff('POST', `/v1/admin/requests/${id}/assign`, { assignee: 'somsri' })).status).toBe(404);
    expect((await staff('POST', `/v1/admin/requests/${id}/completion-preview`, { outcome: 'done' })).status).toBe(404);
  });
});

describe('sign-in', () => {
  it('refuses every new staff route without a token (401), changing and recording nothing', async () => {
    const m = await member();
    const { requestId } = await deliverMail(mail(m.email, 'Delete my data', 'Please delete my personal data.'));
    const attempts: [string, string, unknown?][] = [
      ['GET', '/v1/admin/requests'],
      ['GET', `/v1/admin/requests/${requestId}`],
      ['GET', `/v1/admin/requests/${requestId}/raw`],
      ['POST', `/v1/admin/requests/${requestId}/completion-preview`, { outcome: 'done' }],
      ['POST', `/v1/admin/requests/${requestId}/reclassify`, { type: 'edit', reason: 'x' }],
      ['POST', `/v1/admin/requests/${requestId}/comments`, { text: 'x' }],
      ['POST', `/v1/admin/requests/${requestId}/assign`, { assignee: 'x' }],
      ['GET', `/v1/admin/members?memberId=${m.id}`],
      ['GET', `/v1/admin/members/${m.id}`],
      ['GET', `/v1/admin/visits?memberId=${m.id}`],
      ['GET', `/v1/admin/suppressions/${encodeURIComponent(m.email)}`],
    ];
    for (const [method, path, body] of attempts) expect((await call(method, path, body)).status, `${method} ${path}`).toBe(401);
    const detail = await staff('GET', `/v1/admin/requests/${requestId}`);
    expect(detail.body).toMatchObject({ type: 'delete', history: [expect.objectContaining({ event: 'received:open' })] });
    expect((await viewedEntries(m.id)).map((e: Json) => e.actor)).toEqual([STAFF_ACTOR]);
  });
});

describe('members', () => {
  it('finds a member by e-mail and by linked visitor id; the view lists consents, visits and who looked, each look recorded', async () => {
    const m = await member();
    const visitorId = `v-${randomUUID()}`;
    const consent = await call('POST', '/v1/consents', {
      visitorId,
      policyVersion: '2024-01',
      choices: { necessary: true, analytics: true, marketing: false },
    });
    await call('POST', '/v1/visits', { visitorId, sessionId: 's-1', consentToken: consent.body.token, events: [{ type: 'pageview', path: '/shoes' }] });
    expect((await call('PUT', `/v1/members/${m.id}/visitors/${visitorId}`)).status).toBe(200);

    const byEmail = await staff('GET', `/v1/admin/members?email=${encodeURIComponent(m.email)}`);
    expect(byEmail.body).toEqual({ items: [{ memberId: m.id, status: 'active', matchedBy: 'email' }] });
    expect((await staff('GET', `/v1/admin/members?visitorId=${visitorId}`)).body.items).toEqual([{ memberId: m.id, status: 'active', matchedBy: 'visitorId' }]);
    expect((await staff('GET', '/v1/admin/members?visitorId=v-nobody-links-this')).body.items).toEqual([]);
    expect((await staff('GET', `/v1/admin/members?email=${encodeURIComponent(m.email)}&memberId=${m.id}`)).status).toBe(400);

    const view = await staff('GET', `/v1/admin/members/${m.id}`);
    expect(view.status).toBe(200);
    expect(view.body.member).toMatchObject({ memberId: m.id, status: 'active' });
    expect(view.body.consents).toEqual([{ visitorId, receipts: [expect.objectContaining({ policyVersion: '2024-01' })] }]);
    expect(view.body.visits.items).toEqual([expect.objectContaining({ path: '/shoes' })]);
    expect(view.body.marketing).toMatchObject({ optIn: true, suppressed: false });
    // The audit chain and who looked are the DPO's.
    expect(view.body).not.toHaveProperty('audit');
    expect(view.body).not.toHaveProperty('viewers');

    expect((await staff('GET', `/v1/admin/visits?memberId=${m.id}`)).status).toBe(200);
    const asDpo = await dpo('GET', `/v1/admin/members/${m.id}`);
    expect(asDpo.body.audit.verification.ok).toBe(true);
    expect(asDpo.body.viewers.map((v: Json) => [v.by, v.what])).toEqual([
      [DPO_ACTOR, 'member'],
      [STAFF_ACTOR, 'visits'],
      [STAFF_ACTOR, 'member'],
    ]);
    expect((await staff('GET', `/v1/admin/members/m-nobody-${randomUUID().slice(0, 6)}`)).status).toBe(404);
  });
});

describe('exports', () => {
  it('records the requester opening their export as a viewed entry on the member\u2019s chain before redirecting', async () => {
    const m = await member();
    const { requestId } = await deliverMail(mail(m.email, 'Access request', 'Please send me a copy of my personal data.'));
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done' })).status).toBe(200);
    const notice = (await sentMail(inject('motoEndpoint'))).filter((x) => x.to.includes(m.email)).at(-1)!;
    const link = linkIn(notice, '/v1/exports/download?token=')!;
    expect(await viewedEntries(m.id)).toEqual([]);
    expect((await call('GET', link.replace(/^https?:\/\/[^/]+/, ''))).status).toBe(302);
    expect(await viewedEntries(m.id)).toEqual([expect.objectContaining({ actor: 'requester', requestId, details: { what: 'export' } })]);
  });
});

describe('suppression look-up', () => {
  it('says whether an address is suppressed, since when and through which channel', async () => {
    const email = `nid-${randomUUID().slice(0, 8)}@example.com`;
    expect((await staff('GET', `/v1/admin/suppressions/${encodeURIComponent(email)}`)).body).toEqual({ email, subscribed: true });
    const { url } = (await call('POST', '/v1/admin/unsubscribe-links', { email })).body;
    const token = new URL(url).searchParams.get('token')!;
    expect(
      (
        await call('POST', `/v1/unsubscribe?token=${encodeURIComponent(token)}`, 'List-Unsubscribe=One-Click', {
          'content-type': 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(200);
    const after = await staff('GET', `/v1/admin/suppressions/${encodeURIComponent(email)}`);
    expect(after.body).toMatchObject({ email, subscribed: false, via: 'one-click', unsubscribedAt: expect.any(String) });
    expect((await staff('GET', '/v1/admin/suppressions/not-an-address')).status).toBe(400);
  });
});
