/**
 * Who a member's data is, end to end against the emulator: only links the storefront backend made
 * tie a visitor id to a member (a public consent cannot), exports hold everything found through those
 * links, and a deactivated member is profiled no more (policy 2.2).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT, stageFromCdkJson } from '../../infra/stage-config';
import { deliverMail } from '../../scripts/lib/inbox';
import { startLocalServer } from '../../scripts/lib/local-server';
import { linkIn, sentMail } from '../../scripts/lib/outbox';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';
import { itemsOf } from '../helpers/tables';
import type { Json } from '../helpers/json';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');
const endpoint = inject('motoEndpoint');

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url);
const staff = asStaff(call, 'staff');
const localLink = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
const lastMailTo = async (address: string) => (await sentMail(endpoint)).filter((m) => m.to.includes(address)).at(-1);
const choices = { necessary: true, analytics: true, marketing: false };

async function member() {
  const id = `m-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  expect((await call('PUT', `/v1/members/${id}`, { email, name: 'Somchai Jaidee', locale: 'en', marketingOptIn: true })).status).toBe(201);
  return { id, email };
}

/** A visitor with analytics consent and one stored page view. */
async function visitorWithVisit(path = '/private-page') {
  const visitorId = `v-${randomUUID()}`;
  const consent = await call('POST', '/v1/consents', { visitorId, policyVersion: '2024-01', choices });
  expect(consent.status).toBe(201);
  const beacon = await call('POST', '/v1/visits', { visitorId, sessionId: 's-1', consentToken: consent.body.token, events: [{ type: 'pageview', path }] });
  expect(beacon.body.stored).toBe(1);
  return { visitorId, token: consent.body.token as string };
}

const accessMail = (email: string) =>
  Buffer.from(
    readFileSync(join(REPO_ROOT, 'events', 'email', 'en-access.eml'))
      .toString('latin1')
      .replaceAll('anna.lee@example.com', email),
    'latin1',
  );
const deleteMail = (email: string) => Buffer.from(`From: ${email}\r\nSubject: Delete my data\r\n\r\nPlease delete my personal data.\r\n`);

/** Opens an authenticated access request for the member, completes it and downloads the export. */
async function exportOf(m: { email: string }) {
  const { requestId } = await deliverMail(accessMail(m.email));
  expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done' })).status).toBe(200);
  const link = linkIn((await lastMailTo(m.email))!, '/v1/exports/download?token=')!;
  const download = await call('GET', localLink(link));
  expect(download.status).toBe(302);
  return (await (await fetch(download.headers.get('location')!)).json()) as Record<string, Json>;
}

describe('member links come only from the storefront backend', () => {
  it('keeps a victim visitor out of an attacker export and erasure when the attacker claims it through a public consent', async () => {
    const victim = await member();
    const { visitorId } = await visitorWithVisit('/victim-only-page');
    expect((await call('PUT', `/v1/members/${victim.id}/visitors/${visitorId}`)).status).toBe(200);

    // The attacker knows the victim's visitor id and claims it for their own member id.
    const attacker = await member();
    const claim = await call('POST', '/v1/consents', { visitorId, memberId: attacker.id, policyVersion: '2024-01', choices });

    const stolen = await exportOf(attacker);
    expect(stolen.visits).toEqual([]);
    expect(stolen.visitorIds).toEqual([]);
    expect(stolen.consents).toEqual([]);

    const { requestId } = await deliverMail(deleteMail(attacker.email));
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done', note: 'erased' })).status).toBe(200);
    expect(await itemsOf('visits', `V#${visitorId}`)).toHaveLength(1);
    expect(await itemsOf('visits', `M#${victim.id}`)).toHaveLength(1);

    // The public route takes no member id at all, and its reads name none.
    expect(claim).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect((await call('GET', `/v1/consents/${visitorId}`)).body).not.toHaveProperty('memberId');
  });
});

describe('access export', () => {
  it('holds the consents, visits, orders, requests, subscription state and audit entries of every linked visitor id', async () => {
    const m = await member();
    const phone = await visitorWithVisit('/phone-page');
    const laptop = await visitorWithVisit('/laptop-page');
    for (const v of [phone, laptop]) expect((await call('PUT', `/v1/members/${m.id}/visitors/${v.visitorId}`)).status).toBe(200);
    const orderId = `o-${randomUUID()}`;
    expect((await call('POST', '/v1/orders', { orderId, memberId: m.id, orderedAt: new Date().toISOString(), amount: 100, itemsCount: 1 })).status).toBe(201);

    const file = await exportOf(m);
    expect(file.visitorIds.sort()).toEqual([phone.visitorId, laptop.visitorId].sort());
    expect(file.consents.map((c: { visitorId: string }) => c.visitorId).sort()).toEqual([phone.visitorId, laptop.visitorId].sort());
    expect(file.consents[0]).toMatchObject({ receiptId: expect.any(String), choices, policyVersion: '2024-01' });
    expect(file.visits.map((v: { path: string }) => v.path).sort()).toEqual(['/laptop-page', '/phone-page']);
    expect(file.orders).toEqual([expect.objectContaining({ orderId })]);
    expect(file.requests).toEqual([expect.objectContaining({ type: 'access' })]);
    expect(file.subscription).toEqual({ email: m.email, subscribed: true });
    const actions = file.auditTrail.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['member.registered', 'request.received']));
    // As the customer reads it: no hash-chain internals.
    expect(file.auditTrail[0]).not.toHaveProperty('hash');
  });
});

describe('deactivated members are not profiled (policy 2.2)', () => {
  it('refuses new links to a cancelled account and stores no further visits of its visitors', async () => {
    const m = await member();
    const known = await visitorWithVisit('/before-cancel');
    expect((await call('PUT', `/v1/members/${m.id}/visitors/${known.visitorId}`)).status).toBe(200);
    expect((await call('POST', `/v1/members/${m.id}/cancel`, { reason: 'closed in shop' })).status).toBe(200);

    const fresh = await visitorWithVisit('/new-device');
    const link = await call('PUT', `/v1/members/${m.id}/visitors/${fresh.visitorId}`);
    expect(link.status).toBe(409);
    expect(link.body.error.code).toBe('member_inactive');

    const after = await call('POST', '/v1/visits', {
      visitorId: known.visitorId,
      sessionId: 's-2',
      consentToken: known.token,
      events: [{ type: 'pageview', path: '/after-cancel' }],
    });
    expect(after.status).toBe(202);
    expect(after.body).toEqual({ stored: 0, reason: 'profiling_stopped' });

    const listed = await staff('GET', `/v1/admin/visits?memberId=${m.id}`);
    expect(listed.body.items.map((v: { path: string }) => v.path)).toEqual(['/before-cancel']);
  });

  it('refuses to link a visitor again after the member data was erased', async () => {
    const m = await member();
    const known = await visitorWithVisit();
    expect((await call('PUT', `/v1/members/${m.id}/visitors/${known.visitorId}`)).status).toBe(200);
    const { requestId } = await deliverMail(deleteMail(m.email));
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done', note: 'erased' })).status).toBe(200);

    expect((await call('PUT', `/v1/members/${m.id}/visitors/${known.visitorId}`)).body.error?.code).toBe('member_inactive');
    const again = await call('POST', '/v1/visits', {
      visitorId: known.visitorId,
      sessionId: 's-3',
      consentToken: known.token,
      events: [{ type: 'pageview', path: '/x' }],
    });
    expect(again.body).toEqual({ stored: 0, reason: 'profiling_stopped' });
    expect((await staff('GET', `/v1/admin/visits?memberId=${m.id}`)).body.items).toEqual([]);
  });
});
