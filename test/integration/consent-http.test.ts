/**
 * The consent story end to end over HTTP, as the storefront and staff see it: the local server
 * (the same one `npm start` runs) invoking the real handlers against the emulator.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { itemsOf } from '../helpers/tables';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');
const origin = settings.allowedOrigins[0]!;

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url, { headers: { origin } });
const staff = asStaff(call, 'staff');
const dpo = asStaff(call, 'dpo');
const visitor = () => `v-${randomUUID()}`;
const choices = (analytics: boolean, marketing: boolean) => ({ necessary: true, analytics, marketing });

describe('consent over HTTP', () => {
  it('answers health and the current policy', async () => {
    expect((await call('GET', '/v1/health')).status).toBe(200);
    const policy = await call('GET', '/v1/policy');
    expect(policy.body).toMatchObject({ version: settings.policy.version, url: settings.policy.url, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('records a consent, reads it back, then records a withdrawal that replaces it while history keeps both', async () => {
    const visitorId = visitor();
    const given = await call('POST', '/v1/consents', { visitorId, policyVersion: '2024-01', choices: choices(true, true) });
    expect(given.status).toBe(201);
    expect(given.body.token).toEqual(expect.any(String));
    expect(given.headers.get('access-control-allow-origin')).toBe(origin);
    expect((await call('GET', `/v1/consents/${visitorId}`)).body).toMatchObject({ visitorId, choices: choices(true, true), renewalNeeded: false });

    const withdrawn = await call('POST', '/v1/consents', { visitorId, policyVersion: '2024-01', choices: choices(false, false) });
    expect(withdrawn.status).toBe(201);
    expect((await call('GET', `/v1/consents/${visitorId}`)).body.choices).toEqual(choices(false, false));
    const items = await itemsOf('consents', visitorId);
    expect(items.filter((i) => i.sk.startsWith('RECEIPT#'))).toHaveLength(2);
  });

  it('honours Sec-GPC: 1 by storing marketing as refused', async () => {
    const visitorId = visitor();
    const res = await call('POST', '/v1/consents', { visitorId, policyVersion: '2024-01', choices: choices(true, true) }, { 'sec-gpc': '1' });
    expect(res.body.receipt).toMatchObject({ gpc: true, choices: choices(true, false) });
    const [current] = (await itemsOf('consents', visitorId)).filter((i) => i.sk === 'CURRENT');
    expect(current).toMatchObject({ gpc: true, gpcOverrodeMarketing: true, choices: choices(true, false) });
  });

  it.each([
    ['malformed JSON', '{"visitorId": "abcdefgh", '],
    ['an unknown category', { policyVersion: '2024-01', choices: { ...choices(true, true), profiling: true } }],
    ['necessary: false', { policyVersion: '2024-01', choices: { ...choices(true, true), necessary: false } }],
    ['a policy version that does not exist', { policyVersion: '1999-01', choices: choices(true, true) }],
  ])('rejects %s with 400 and stores nothing', async (_name, body) => {
    const visitorId = visitor();
    const payload = typeof body === 'string' ? body.replace('abcdefgh', visitorId) : { visitorId, ...body };
    const res = await call('POST', '/v1/consents', payload);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toEqual(expect.any(String));
    expect(await itemsOf('consents', visitorId)).toEqual([]);
  });

  it('rejects an oversize body with 413 and a wrong content type with 415', async () => {
    expect((await call('POST', '/v1/consents', { visitorId: visitor(), pad: 'x'.repeat(50_000) })).status).toBe(413);
    expect((await call('POST', '/v1/consents', 'visitorId=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
  });

  it('answers 404 for an unknown visitor and unknown routes, 405 for a wrong method', async () => {
    expect((await call('GET', `/v1/consents/${visitor()}`)).status).toBe(404);
    expect((await call('GET', '/v1/nothing-here')).body.error.code).toBe('not_found');
    expect((await call('DELETE', '/v1/policy')).status).toBe(405);
  });

  it('answers CORS preflight for the stage\u2019s origins only', async () => {
    const allowed = await fetch(`${server.url}/v1/consents`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('sec-gpc');
    const other = await fetch(`${server.url}/v1/consents`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('asks for renewal of changed categories once staff publish a version and it comes into force', async () => {
    const visitorId = visitor();
    await call('POST', '/v1/consents', { visitorId, policyVersion: '2024-01', choices: choices(true, false) });
    // Effective now, so the change is in force at once without waiting for a future instant.
    const version = `it-${randomUUID().slice(0, 8)}`;
    const published = await dpo('POST', '/v1/admin/policies', {
      version,
      effectiveAt: new Date().toISOString(),
      url: `https://shop.example.com/privacy-policy/${version}`,
      sha256: 'e'.repeat(64),
      changes: ['analytics', 'marketing'],
    });
    expect(published.status).toBe(201);
    const listed = await staff('GET', '/v1/admin/policies');
    expect(listed.body.items.map((v: { version: string }) => v.version)).toContain(version);
    const status = await call('GET', `/v1/consents/${visitorId}`);
    // Marketing was refused, so only analytics must be asked again.
    expect(status.body).toMatchObject({ renewalNeeded: true, renewCategories: ['analytics'], currentPolicyVersion: version, policyVersion: '2024-01' });
    expect((await call('GET', '/v1/policy')).body.version).toBe(version);
    const renewed = await call('POST', '/v1/consents', { visitorId, policyVersion: version, choices: choices(true, false) });
    expect(renewed.status).toBe(201);
    expect((await call('GET', `/v1/consents/${visitorId}`)).body.renewalNeeded).toBe(false);
  });
});
