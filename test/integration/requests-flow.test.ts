/**
 * Data-subject requests end to end against the emulator: mail in through the SES path, the web form,
 * confirmation links, the staff queue, completion with its effects, exports, disclosures and audit.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { REPO_ROOT, stageFromCdkJson } from '../../infra/stage-config';
import { deliverMail } from '../../scripts/lib/inbox';
import { startLocalServer } from '../../scripts/lib/local-server';
import { linkIn, sentMail } from '../../scripts/lib/outbox';
import { itemsOf } from '../helpers/tables';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';
import { partnerHash } from '../../shared/domain/members';
import { localPartnerKey } from '../../scripts/lib/local-aws';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');
const endpoint = inject('motoEndpoint');

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url);
const staff = asStaff(call, 'staff');
const dpo = asStaff(call, 'dpo');
const mailTo = async (address: string) => (await sentMail(endpoint)).filter((m) => m.to.includes(address));
const sample = (name: string, from: string, as: string) =>
  Buffer.from(
    readFileSync(join(REPO_ROOT, 'events', 'email', name))
      .toString('latin1')
      .replaceAll(from, as),
    'latin1',
  );
/** A mail's link, re-pointed at this test's server (links name the configured public URL). */
const localLink = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

async function member(locale: 'th' | 'en' = 'th') {
  const id = `m-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  expect((await call('PUT', `/v1/members/${id}`, { email, name: 'Somchai Jaidee', locale, marketingOptIn: true })).status).toBe(201);
  return { id, email };
}

describe('requests by e-mail', () => {
  it('opens a Thai deletion request from an authenticated member with a 30-day due date and a Thai acknowledgement', async () => {
    const m = await member();
    const before = Date.now();
    const outcome = await deliverMail(sample('th-delete-utf8-base64.eml', 'Somchai.J@Example.com', m.email));
    const after = Date.now();
    expect(outcome).toMatchObject({ outcome: 'opened', type: 'delete', requestId: expect.stringMatching(/^R-/) });
    // Received between `before` and `after`, however long delivery took on this machine.
    const due = Date.parse(outcome.dueAt!);
    expect(due).toBeGreaterThanOrEqual(before + 30 * 86_400_000);
    expect(due).toBeLessThanOrEqual(after + 30 * 86_400_000);
    const [ack] = await mailTo(m.email);
    expect(ack!.subject).toContain(outcome.requestId!);
    expect(ack!.text).toContain('ลบข้อมูลส่วนบุคคล');
    const queue = await staff('GET', '/v1/admin/requests?status=open&limit=100');
    expect(queue.body.items.map((r: { id: string }) => r.id)).toContain(outcome.requestId);
  });

  it('answers a redelivered SES event with the same request, not a second one', async () => {
    const m = await member();
    const raw = sample('en-access.eml', 'anna.lee@example.com', m.email);
    const first = await deliverMail(raw, {}, `dup-${randomUUID()}`);
    const again = await deliverMail(raw, {}, first.messageId);
    expect(again).toMatchObject({ outcome: 'duplicate', requestId: first.requestId });
    expect(await mailTo(m.email)).toHaveLength(1);
  });

  it('makes a spoofed-looking mail wait for confirmation through a link sent to the address on file', async () => {
    const m = await member('en');
    const outcome = await deliverMail(sample('spoofed-sender-delete.eml', 'somchai.j@example.com', m.email), { dmarc: 'FAIL' });
    expect(outcome).toMatchObject({ outcome: 'awaiting_confirmation', type: 'delete' });
    const [confirmation] = await mailTo(m.email);
    const link = linkIn(confirmation!, '/v1/requests/verify?token=')!;
    expect(link).toBeDefined();

    const page = await call('GET', localLink(link), undefined, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post" action="/v1/requests/verify">');
    expect((await staff('GET', `/v1/admin/requests/${outcome.requestId}`)).body.status).toBe('awaiting_confirmation');

    const token = new URL(link).searchParams.get('token')!;
    const confirmed = await call('POST', '/v1/requests/verify', `token=${encodeURIComponent(token)}`, {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
    });
    expect(confirmed.status).toBe(200);
    const request = (await staff('GET', `/v1/admin/requests/${outcome.requestId}`)).body;
    expect(request).toMatchObject({ status: 'open', verifiedAt: expect.any(String) });
    expect(request.history.map((h: { event: string }) => h.event)).toEqual(['received:awaiting_confirmation', 'confirmed']);
    expect(await mailTo(m.email)).toHaveLength(2); // confirmation, then acknowledgement
  });

  it.each([
    ['spam', { spam: 'FAIL' as const }, 'spam'],
    ['a virus', { virus: 'FAIL' as const }, 'virus'],
  ])('records mail that fails the %s check without acting on it or answering', async (_name, verdicts, reason) => {
    const m = await member();
    const outcome = await deliverMail(sample('th-delete-utf8-base64.eml', 'Somchai.J@Example.com', m.email), verdicts);
    expect(outcome).toMatchObject({ outcome: 'rejected', reason });
    expect((await staff('GET', `/v1/admin/requests/${outcome.requestId}`)).body).toMatchObject({ status: 'rejected', note: reason });
    expect(await mailTo(m.email)).toEqual([]);
  });

  it('tells an authenticated sender without an account so, and stays silent to an unauthenticated one', async () => {
    const stranger = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    expect(await deliverMail(sample('en-access.eml', 'anna.lee@example.com', stranger))).toMatchObject({ outcome: 'rejected', reason: 'no_account' });
    expect(await mailTo(stranger)).toHaveLength(1);
    const spoofed = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    expect(await deliverMail(sample('en-access.eml', 'anna.lee@example.com', spoofed), { dmarc: 'FAIL' })).toMatchObject({
      outcome: 'rejected',
      reason: 'no_account',
    });
    expect(await mailTo(spoofed)).toEqual([]);
  });

  it('records unreadable mail and a 10 MB attachment without crashing', async () => {
    expect(await deliverMail(readFileSync(join(REPO_ROOT, 'events', 'email', 'garbage.eml')))).toMatchObject({ outcome: 'rejected', reason: 'unreadable' });
    const m = await member('en');
    const big = Buffer.concat([
      Buffer.from(
        `From: ${m.email}\r\nTo: privacy@example.com\r\nSubject: Please delete my data\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nDelete my account data please.\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
      ),
      Buffer.from(
        Buffer.alloc(10 * 1024 * 1024, 7)
          .toString('base64')
          .replace(/.{76}/g, '$&\r\n'),
      ),
      Buffer.from('\r\n--b--\r\n'),
    ]);
    expect(await deliverMail(big)).toMatchObject({ outcome: 'opened', type: 'delete' });
  }, 120_000);
});

describe('requests by web form', () => {
  it('waits for the e-mailed link, folds repeats into one request, and caps the mails per address', async () => {
    const m = await member('en');
    const first = await call('POST', '/v1/requests', { email: m.email, type: 'access', locale: 'en' });
    expect(first).toMatchObject({ status: 202, body: { status: 'awaiting_confirmation', requestId: expect.stringMatching(/^R-/) } });
    for (let i = 0; i < 4; i++) {
      expect((await call('POST', '/v1/requests', { email: m.email, type: 'access' })).body.requestId).toBe(first.body.requestId);
    }
    expect(await mailTo(m.email)).toHaveLength(settings.limits.mailsPerAddressPerDay);
  });

  it('answers the same for an address with no account, and closes the request once its owner confirms', async () => {
    const stranger = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    const submitted = await call('POST', '/v1/requests', { email: stranger, type: 'delete' });
    expect(submitted).toMatchObject({ status: 202, body: { status: 'awaiting_confirmation' } });
    const token = new URL(linkIn((await mailTo(stranger))[0]!, '/v1/requests/verify?token=')!).searchParams.get('token')!;
    expect((await call('POST', '/v1/requests/verify', { token })).body).toMatchObject({ status: 'rejected', outcome: 'rejected' });
  });

  it('accepts twenty submissions at once, each with its own audit entry in an intact chain and one confirmation mail', async () => {
    const people = Array.from({ length: 20 }, () => `burst-${randomUUID().slice(0, 8)}@example.com`);
    const answers = await Promise.all(people.map((email) => call('POST', '/v1/requests', { email, type: 'delete', locale: 'en' })));
    expect(answers.map((a) => a.status)).toEqual(people.map(() => 202));
    const { auditSubject } = await import('../../shared/domain/requests');
    const mail = await sentMail(endpoint);
    for (const [i, email] of people.entries()) {
      const requestId = answers[i]!.body.requestId as string;
      const audit = (await dpo('GET', `/v1/admin/audit/${auditSubject({ id: requestId, email })}`)).body;
      expect(audit.verification).toMatchObject({ ok: true });
      expect(audit.entries.filter((e: { action: string; requestId: string }) => e.action === 'request.received' && e.requestId === requestId)).toHaveLength(1);
      expect(mail.filter((m) => m.to.includes(email))).toHaveLength(1);
    }
  });

  it('answers 8 simultaneous submissions from one address with a 202 each, opens one request, sends one mail and loses no audit entry', async () => {
    const email = `same-${randomUUID().slice(0, 8)}@example.com`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => call('POST', '/v1/requests', { email, type: 'access', locale: 'en' })));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    expect(new Set(answers.map((a) => a.body.requestId)).size).toBe(1);
    expect(await mailTo(email)).toHaveLength(1);
    const { auditSubject } = await import('../../shared/domain/requests');
    const { requestStore } = await import('../../shared/adapters/wiring');
    for (const id of new Set(answers.map((a) => a.body.requestId as string))) {
      const audit = (await dpo('GET', `/v1/admin/audit/${auditSubject({ id, email })}`)).body;
      expect(audit.verification).toMatchObject({ ok: true });
      const appended = audit.entries.filter((e: { action: string; requestId: string }) => e.action === 'request.received' && e.requestId === id).length;
      // Appended once, or (when the chain stayed contended) still owed to the next delivery or the sweep.
      const owed = (await requestStore().get(id))?.owed?.some((o) => o.id === 'audit:request.received') ?? false;
      expect({ appended, owed }, id).toEqual(owed ? { appended: 0, owed: true } : { appended: 1, owed: false });
    }
  });

  it.each([
    ['a forged token', 'eyJwIjoicmVxdWVzdCIsImQiOnsicmlkIjoiUi1YIn19.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'invalid_link'],
    ['a truncated token', 'eyJwIjoicmVxdWVzdCJ9', 'invalid_link'],
  ])('refuses %s with 400 and changes nothing', async (_name, token, code) => {
    const res = await call('POST', '/v1/requests/verify', { token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it.each([
    ['an unknown type', { email: 'a@example.com', type: 'everything' }],
    ['a bad address', { email: 'not-an-address', type: 'delete' }],
    ['an extra field', { email: 'a@example.com', type: 'delete', admin: true }],
  ])('rejects %s with 400', async (_name, body) => {
    expect((await call('POST', '/v1/requests', body)).status).toBe(400);
  });
});

describe('completing requests', () => {
  it('carries out a deletion: visits and old consents erased, account deactivated, orders kept and named in the notice', async () => {
    const m = await member('en');
    const visitorId = `v-${randomUUID()}`;
    const consent = (analytics: boolean) =>
      call('POST', '/v1/consents', { visitorId, policyVersion: '2024-01', choices: { necessary: true, analytics, marketing: false } });
    const token = (await consent(true)).body.token;
    await consent(true);
    expect((await call('POST', '/v1/visits', { visitorId, sessionId: 's', consentToken: token, events: [{ type: 'pageview', path: '/x' }] })).body.stored).toBe(
      1,
    );
    await call('PUT', `/v1/members/${m.id}/visitors/${visitorId}`);
    await call('POST', '/v1/orders', { orderId: `o-${randomUUID()}`, memberId: m.id, orderedAt: new Date().toISOString(), amount: 100, itemsCount: 1 });

    const { requestId } = await deliverMail(Buffer.from(`From: ${m.email}\r\nSubject: Delete my data\r\n\r\nPlease delete my personal data.\r\n`));
    const done = await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done', note: 'erased' });
    expect(done).toMatchObject({ status: 200, body: { status: 'done', outcome: 'done' } });

    expect(await itemsOf('visits', `V#${visitorId}`)).toEqual([]);
    expect(await itemsOf('visits', `M#${m.id}`)).toEqual([]);
    expect((await itemsOf('consents', visitorId)).filter((i) => i.sk.startsWith('RECEIPT#'))).toHaveLength(1);
    expect((await itemsOf('members', m.id))[0]).toMatchObject({ status: 'deactivated', marketingOptIn: false, holdUntil: expect.any(String) });
    const notice = (await mailTo(m.email)).at(-1)!;
    expect(notice.text).toContain('Order records');

    const audit = await dpo('GET', `/v1/admin/audit/${m.id}`);
    expect(audit.body.verification).toMatchObject({ ok: true });
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['member.registered', 'request.received', 'member.erased', 'request.done']),
    );

    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done' })).headers.get('idempotent-replayed')).toBe('true');
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'rejected', note: 'x' })).status).toBe(409);
  });

  it('refuses a request only with a reason, and tells the requester why', async () => {
    const m = await member('en');
    const { requestId } = await deliverMail(
      Buffer.from(`From: ${m.email}\r\nSubject: Please correct my address\r\n\r\nMy address is wrong, please update it.\r\n`),
    );
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'rejected' })).body.error.code).toBe('reason_required');
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'rejected', note: 'We could not verify the new address' })).status).toBe(
      200,
    );
    expect((await mailTo(m.email)).at(-1)!.text).toContain('We could not verify the new address');
  });

  it('applies an edit with the corrected fields and records which fields changed', async () => {
    const m = await member('en');
    const { requestId } = await deliverMail(
      Buffer.from(`From: ${m.email}\r\nSubject: Please correct my name\r\n\r\nMy name is spelled wrong, please update it.\r\n`),
    );
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done' })).body.error.code).toBe('no_changes');
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done', changes: { name: 'Somchai Jaidee-Srisuk' } })).status).toBe(200);
    expect((await itemsOf('members', m.id))[0]!.name).toBe('Somchai Jaidee-Srisuk');
    const audit = (await dpo('GET', `/v1/admin/audit/${m.id}`)).body.entries;
    expect(audit.find((e: { action: string }) => e.action === 'member.corrected').details).toEqual({ fields: ['name'] });
  });

  it('delivers an access export with the disclosures behind a time-limited link', async () => {
    const m = await member('en');
    const recorded = await dpo('POST', '/v1/admin/disclosures', {
      memberId: m.id,
      recipient: 'Central Court',
      legalBasis: 'required_by_law',
      reference: 'Order 123/2569',
      categories: ['orders', 'contact'],
      disclosedAt: new Date().toISOString(),
    });
    expect(recorded.status).toBe(201);
    expect(
      (
        await dpo('POST', '/v1/admin/disclosures', {
          memberId: m.id,
          recipient: 'Police',
          legalBasis: 'required_by_law',
          categories: ['contact'],
          disclosedAt: new Date().toISOString(),
        })
      ).body.error.code,
    ).toBe('reference_required');

    const { requestId } = await deliverMail(sample('en-access.eml', 'anna.lee@example.com', m.email));
    expect((await staff('POST', `/v1/admin/requests/${requestId}/complete`, { outcome: 'done' })).status).toBe(200);
    const link = linkIn((await mailTo(m.email)).at(-1)!, '/v1/exports/download?token=')!;
    const download = await call('GET', localLink(link));
    expect(download.status).toBe(302);
    const file = await (await fetch(download.headers.get('location')!)).json();
    expect(file).toMatchObject({
      member: { memberId: m.id },
      disclosures: [expect.objectContaining({ recipient: 'Central Court', reference: 'Order 123/2569' })],
    });
    expect((await call('GET', '/v1/exports/download?token=forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(400);
  });
});

describe('members, partners and the register', () => {
  it('deactivates a cancelled account and keeps it, and confirms only active members to partners, logging each answer', async () => {
    const partner = settings.partners![0]!;
    const id = `m-${randomUUID().slice(0, 8)}`;
    const m = { id, email: `${id}@example.com` };
    expect((await call('PUT', `/v1/members/${id}`, { email: m.email, locale: 'th', marketingOptIn: true, referredBy: partner.id })).status).toBe(201);
    const asPartner = { 'x-local-partner': partner.id };
    const hash = partnerHash(m.email, Buffer.from(localPartnerKey(partner.id)));
    expect((await call('POST', '/v1/partner/membership-checks', { emailHash: hash }, asPartner)).body).toEqual({ member: true });
    const cancelled = await call('POST', `/v1/members/${m.id}/cancel`, { reason: 'closed in shop' });
    expect(cancelled.body).toMatchObject({ status: 'deactivated', marketingOptIn: false, deactivationReason: 'closed in shop' });
    expect((await call('POST', '/v1/partner/membership-checks', { emailHash: hash }, asPartner)).body).toEqual({ member: false });
    const register = await dpo('GET', `/v1/admin/disclosures?memberId=${m.id}`);
    expect(register.body.items).toEqual([expect.objectContaining({ legalBasis: 'partner_membership_confirmation', note: 'answered yes' })]);
    expect((await call('POST', '/v1/partner/membership-checks', { emailHash: 'not-a-hash' }, asPartner)).status).toBe(400);
  });
});

describe('dispute hold', () => {
  it('anonymises a deactivated member once the hold has ended, erasing visits and keeping orders', async () => {
    const { memberDeps, personalData, requestStore } = await import('../../shared/adapters/wiring');
    const { anonymiseEndedHolds } = await import('../../shared/domain/member-service');
    const m = await member();
    const visitorId = `v-${randomUUID()}`;
    const token = (
      await call('POST', '/v1/consents', {
        visitorId,
        policyVersion: '2024-01',
        choices: { necessary: true, analytics: true, marketing: false },
      })
    ).body.token;
    await call('POST', '/v1/visits', { visitorId, sessionId: 's', consentToken: token, events: [{ type: 'pageview', path: '/x' }] });
    await call('PUT', `/v1/members/${m.id}/visitors/${visitorId}`);
    await call('POST', `/v1/members/${m.id}/cancel`, {});
    const later = { now: () => new Date(Date.now() + (settings.disputeHoldDays + 1) * 86_400_000) };
    const deps = { ...memberDeps(), data: personalData(), requests: requestStore(), clock: later };
    let swept = 0;
    for (let i = 0; i < 50 && (await itemsOf('members', m.id))[0]!.status !== 'anonymised'; i++) swept += (await anonymiseEndedHolds(deps, 100)).anonymised;
    expect(swept).toBeGreaterThan(0);
    const after = (await itemsOf('members', m.id))[0]!;
    expect(after).toMatchObject({ status: 'anonymised', anonymisedAt: expect.any(String) });
    expect(after.name).toBeUndefined();
    expect(after.email).not.toBe(m.email);
    expect(after.holdQueue).toBeUndefined();
    expect(await itemsOf('visits', `V#${visitorId}`)).toEqual([]);
    const audit = (await dpo('GET', `/v1/admin/audit/${m.id}`)).body;
    expect(audit.verification.ok).toBe(true);
    expect(audit.entries.at(-1)).toMatchObject({ action: 'member.anonymised', actor: 'system:hold-sweep' });
  });
});

describe('folding repeats', () => {
  it('opens a waiting request when the same member writes again from an authenticated mail', async () => {
    const m = await member();
    const waiting = await deliverMail(sample('spoofed-sender-delete.eml', 'somchai.j@example.com', m.email), { dmarc: 'FAIL' });
    expect(waiting.outcome).toBe('awaiting_confirmation');
    const again = await deliverMail(sample('th-delete-utf8-base64.eml', 'Somchai.J@Example.com', m.email));
    expect(again).toMatchObject({ outcome: 'opened', requestId: waiting.requestId, folded: true });
    const request = (await staff('GET', `/v1/admin/requests/${waiting.requestId}`)).body;
    expect(request.history.map((h: { event: string }) => h.event)).toEqual(['received:awaiting_confirmation', 'confirmed:authenticated_mail']);
  });
});
