/**
 * The privacy center's routes over HTTP against the emulator: sign-in links from the outbox, one use
 * per link (also when two uses race, through DynamoDB's conditional write), a session that reaches
 * its own address only, the newsletter switch, the export, sign-out, and bad input answered with 4xx.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { sentMail } from '../../scripts/lib/outbox';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');
const endpoint = inject('motoEndpoint');
/** A page on the local stage's storefront origin (allowedOrigins in cdk.json). */
const PAGE = `${settings.allowedOrigins[0]}/demo/my-privacy.html`;

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url);
const address = () => `center-${randomUUID().slice(0, 8)}@example.com`;
const bearer = (session: string) => ({ authorization: `Bearer ${session}` });

/** The token of the latest sign-in link mailed to `email`, as the customer's mail shows it. */
async function linkToken(email: string): Promise<string> {
  const mails = (await sentMail(endpoint)).filter((m) => m.to.includes(email) && m.text.includes('#shop-privacy-center='));
  const text = mails.at(-1)?.text ?? '';
  expect(text).toContain(`${PAGE}#shop-privacy-center=`);
  return /#shop-privacy-center=([A-Za-z0-9_.-]+)/.exec(text)![1]!;
}

async function signIn(email: string): Promise<string> {
  expect((await call('POST', '/v1/privacy-center/sign-in-links', { email, pageUrl: PAGE, locale: 'en' })).status).toBe(202);
  const started = await call('POST', '/v1/privacy-center/sessions', { token: await linkToken(email) });
  expect(started.status).toBe(201);
  return started.body.session;
}

describe('privacy center over HTTP', () => {
  it('answers a member and an unknown address exactly alike', async () => {
    const member = address();
    expect((await call('PUT', `/v1/members/m-${randomUUID().slice(0, 8)}`, { email: member, locale: 'en', marketingOptIn: true })).status).toBe(201);
    const known = await call('POST', '/v1/privacy-center/sign-in-links', { email: member, pageUrl: PAGE });
    const unknown = await call('POST', '/v1/privacy-center/sign-in-links', { email: address(), pageUrl: PAGE });
    expect([known.status, known.text]).toEqual([202, '{"status":"sent"}']);
    expect([unknown.status, unknown.text]).toEqual([known.status, known.text]);
  });

  it('a session shows its own address\u2019s requests and subscription and nothing of another address', async () => {
    const mine = address();
    const theirs = address();
    const own = await call('POST', '/v1/requests', { email: mine, type: 'access', locale: 'en' });
    const other = await call('POST', '/v1/requests', { email: theirs, type: 'delete', locale: 'en' });
    const session = await signIn(mine);
    const overview = await call('GET', '/v1/privacy-center/overview', undefined, bearer(session));
    expect(overview.status).toBe(200);
    expect(overview.body).toEqual({
      email: mine,
      requests: [{ requestId: own.body.requestId, type: 'access', status: 'awaiting_confirmation', receivedAt: expect.any(String), dueAt: expect.any(String) }],
      subscription: { subscribed: true },
    });
    expect(overview.text).not.toContain(other.body.requestId);
    expect(overview.text).not.toContain(theirs);
  });

  it('a link works once, also when two uses race: one session, one 400', async () => {
    const email = address();
    await call('POST', '/v1/privacy-center/sign-in-links', { email, pageUrl: PAGE });
    const token = await linkToken(email);
    const answers = await Promise.all([call('POST', '/v1/privacy-center/sessions', { token }), call('POST', '/v1/privacy-center/sessions', { token })]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 400]);
    expect(answers.find((a) => a.status === 400)?.body.error.code).toBe('invalid_link');
    expect((await call('POST', '/v1/privacy-center/sessions', { token })).status).toBe(400);
  });

  it('switches newsletters off at once and on again; the suppression list follows', async () => {
    const email = address();
    const session = await signIn(email);
    const off = await call('PUT', '/v1/privacy-center/subscription', { subscribed: false }, bearer(session));
    expect(off.body).toMatchObject({ subscribed: false, unsubscribedAt: expect.any(String) });
    expect((await call('GET', `/v1/subscriptions/${email}`)).body).toMatchObject({ subscribed: false, via: 'privacy-center' });
    const on = await call('PUT', '/v1/privacy-center/subscription', { subscribed: true }, bearer(session));
    expect(on.body).toEqual({ subscribed: true });
    expect((await call('GET', `/v1/subscriptions/${email}`)).body).toEqual({ email, subscribed: true });
  });

  it('writes the access export of a member and answers a short-lived link to it as a JSON attachment', async () => {
    const email = address();
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    await call('PUT', `/v1/members/${memberId}`, { email, name: 'Nid', locale: 'th', marketingOptIn: true });
    const session = await signIn(email);
    const made = await call('POST', '/v1/privacy-center/exports', undefined, bearer(session));
    expect(made.status).toBe(201);
    expect(made.body.expiresInSeconds).toBe(300);
    const download = await fetch(made.body.url);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="center-[^"]+\.json"$/);
    expect(await download.json()).toMatchObject({ format: 'shop-privacy-export/1', member: { memberId, email }, subscription: { subscribed: true } });
    const audit = await asStaff(call, 'dpo')('GET', `/v1/admin/audit/${memberId}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('member.exported');
  });

  it('ends the session on sign-out: the same token then gets 401', async () => {
    const session = await signIn(address());
    expect((await call('DELETE', '/v1/privacy-center/session', undefined, bearer(session))).status).toBe(204);
    const after = await call('GET', '/v1/privacy-center/overview', undefined, bearer(session));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('not_signed_in');
  });

  it.each([
    ['no e-mail', { pageUrl: PAGE }, 400, 'validation_failed'],
    ['a page on another site', { email: 'a@example.com', pageUrl: 'https://evil.example.net/x' }, 400, 'page_not_allowed'],
    ['a page that is not a URL', { email: 'a@example.com', pageUrl: 'my-privacy.html' }, 400, 'validation_failed'],
    ['an unknown field', { email: 'a@example.com', pageUrl: PAGE, memberId: 'm-1' }, 400, 'validation_failed'],
  ])('refuses a sign-in request with %s (%i %s)', async (_name, body, status, code) => {
    const answer = await call('POST', '/v1/privacy-center/sign-in-links', body);
    expect([answer.status, answer.body.error.code]).toEqual([status, code]);
  });

  it('answers bad tokens, sessions and bodies with 4xx, never 5xx', async () => {
    expect((await call('POST', '/v1/privacy-center/sessions', { token: 'not-a-token' })).body.error.code).toBe('invalid_link');
    expect((await call('POST', '/v1/privacy-center/sessions', 'token=x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await call('GET', '/v1/privacy-center/overview')).status).toBe(401);
    expect((await call('GET', '/v1/privacy-center/overview', undefined, { authorization: 'Bearer x.y' })).status).toBe(401);
    expect((await call('POST', '/v1/privacy-center/exports', undefined, { authorization: 'Basic abc' })).status).toBe(401);
    const session = await signIn(address());
    const bad = await call('PUT', '/v1/privacy-center/subscription', { subscribed: 'no' }, bearer(session));
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
  });
});
