/**
 * Visit logging end to end over HTTP against the emulator: consent, beacons, the staff query, member
 * links and orders, as the storefront, its backend and staff call them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { DynamoPersonalData } from '../../shared/adapters/personal-data';
import { DynamoVisitStore } from '../../shared/adapters/visit-store';
import { documentClient } from '../../shared/adapters/dynamodb';
import { tableName } from '../../shared/config';
import { itemsOf } from '../helpers/tables';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url, { headers: { 'user-agent': CHROME } });
const staff = asStaff(call, 'staff');
const consent = async (visitorId: string, analytics: boolean) =>
  (await call('POST', '/v1/consents', { visitorId, policyVersion: '2024-01', choices: { necessary: true, analytics, marketing: false } })).body.token as string;
const beacon = (visitorId: string, consentToken?: string, path = '/products/tea') => ({
  visitorId,
  sessionId: 'session-1',
  ...(consentToken ? { consentToken } : {}),
  events: [
    { type: 'pageview', path, title: 'ชาเขียว' },
    { type: 'search', searchKind: 'product', query: 'green tea' },
    { type: 'leave', path, durationMs: 15_000 },
  ],
});
const visitor = () => `v-${randomUUID()}`;

describe('visits over HTTP', () => {
  it('stores a consenting visitor\u2019s batch (sent as text/plain) and staff see it with IP and browser from the request', async () => {
    const visitorId = visitor();
    const token = await consent(visitorId, true);
    const res = await call('POST', '/v1/visits', JSON.stringify(beacon(visitorId, token)), { 'content-type': 'text/plain;charset=UTF-8' });
    expect([res.status, res.body]).toEqual([202, { stored: 3 }]);
    const listed = await staff('GET', `/v1/admin/visits?visitorId=${visitorId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i: { type: string }) => i.type)).toEqual(['leave', 'search', 'pageview']);
    expect(listed.body.items[2]).toMatchObject({
      type: 'pageview',
      path: '/products/tea',
      title: 'ชาเขียว',
      ip: '127.0.0.1',
      browser: 'Chrome 130',
      os: 'Windows 10',
    });
    const stored = (await itemsOf('visits', `V#${visitorId}`))[0]!;
    expect(stored.expiresAt).toBeGreaterThan(Date.now() / 1000 + 394 * 86_400);
  });

  it.each([
    ['refused analytics', async (v: string) => beacon(v, await consent(v, false)), 'analytics_not_consented'],
    ['no token and no consent', async (v: string) => beacon(v), 'no_consent'],
    ['a tampered token', async (v: string) => beacon(v, `${(await consent(v, true)).slice(0, -4)}AAAA`), 'invalid_token'],
  ])('stores nothing for a visitor with %s', async (_name, makeBody, reason) => {
    const visitorId = visitor();
    const res = await call('POST', '/v1/visits', await makeBody(visitorId));
    expect([res.status, res.body]).toEqual([202, { stored: 0, reason }]);
    expect(await itemsOf('visits', `V#${visitorId}`)).toEqual([]);
  });

  it('stops storing at once when the visitor withdraws, even under the old token', async () => {
    const visitorId = visitor();
    const token = await consent(visitorId, true);
    expect((await call('POST', '/v1/visits', beacon(visitorId, token))).body.stored).toBe(3);
    await consent(visitorId, false);
    expect((await call('POST', '/v1/visits', beacon(visitorId, token, '/after'))).body).toEqual({ stored: 0, reason: 'consent_withdrawn' });
    expect((await itemsOf('visits', `V#${visitorId}`)).flatMap((r) => r.ev.map((e: { p?: string }) => e.p))).not.toContain('/after');
  });

  it('stores a beacon as one record, and a retried beacon (same events and client times) overwrites it', async () => {
    const visitorId = visitor();
    const token = await consent(visitorId, true);
    const at = new Date().toISOString();
    const sent = { ...beacon(visitorId, token), events: beacon(visitorId).events.map((e) => ({ ...e, at })) };
    for (let i = 0; i < 2; i++) expect((await call('POST', '/v1/visits', sent)).body).toEqual({ stored: 3 });
    const stored = await itemsOf('visits', `V#${visitorId}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.ev.map((e: { t: string }) => e.t)).toEqual(['pageview', 'search', 'leave']);
  });

  it('rejects malformed beacons with 4xx and stores nothing', async () => {
    const visitorId = visitor();
    const token = await consent(visitorId, true);
    expect(
      (await call('POST', '/v1/visits', { ...beacon(visitorId, token), events: Array.from({ length: 51 }, () => ({ type: 'pageview', path: '/' })) })).status,
    ).toBe(400);
    expect((await call('POST', '/v1/visits', 'not json', { 'content-type': 'text/plain' })).status).toBe(400);
    expect((await call('POST', '/v1/visits', { ...beacon(visitorId, token), pad: 'x'.repeat(1024 * 1024) })).status).toBe(413);
    expect(await itemsOf('visits', `V#${visitorId}`)).toEqual([]);
  });

  /** Returns once the clock has moved past `instant`: distinct timestamps without a fixed sleep. */
  const clockPast = async (instant: number) => {
    while (Date.now() <= instant) await new Promise((r) => setImmediate(r));
  };

  it('finds a member\u2019s visits across linked visitor ids, newest first, page by page', async () => {
    const memberId = `m-${randomUUID()}`;
    const [phone, laptop] = [visitor(), visitor()];
    for (const v of [phone, laptop]) {
      const token = await consent(v, true);
      for (let i = 0; i < 3; i++) {
        expect((await call('POST', '/v1/visits', beacon(v, token, `/${v.slice(0, 6)}/${i}`))).status).toBe(202);
        // The server (in this process) stamped the beacon by now: the next one must get a later millisecond.
        await clockPast(Date.now());
      }
      expect((await call('PUT', `/v1/members/${memberId}/visitors/${v}`)).status).toBe(200);
    }
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await staff('GET', `/v1/admin/visits?memberId=${memberId}&limit=2${next ? `&next=${next}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { at: string; visitorId: string }) => `${i.at}|${i.visitorId}`));
      next = page.body.next;
      pages++;
    } while (next && pages < 10);
    expect(seen).toHaveLength(18);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(new Set(seen.map((s) => s.split('|')[1]))).toEqual(new Set([phone, laptop]));
    expect((await staff('GET', `/v1/admin/visits?memberId=${memberId}&next=garbage!`)).status).toBe(400);
    expect((await staff('GET', '/v1/admin/visits')).status).toBe(400);
  });

  it('records an order once, answers a retry with the same record and refuses a changed one', async () => {
    const order = { orderId: `o-${randomUUID()}`, memberId: 'member-9', orderedAt: '2026-11-20T10:00:00+07:00', amount: 1290.5, itemsCount: 3 };
    const first = await call('POST', '/v1/orders', order);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ ...order, currency: 'THB', retainedBecause: expect.stringContaining('disputes') });
    expect((await call('POST', '/v1/orders', order)).status).toBe(200);
    expect((await call('POST', '/v1/orders', { ...order, amount: 1 })).status).toBe(409);
    expect((await call('POST', '/v1/orders', { ...order, amount: -1 })).status).toBe(400);
  });
});

describe('DynamoVisitStore against the emulator', () => {
  it('reads a beacon stored in parts before one record per beacon (`#00`, `#01`) beside a beacon stored as one record, newest first', async () => {
    const store = new DynamoVisitStore(documentClient(), tableName('visits'));
    const visitorId = visitor();
    const part = (n: number, paths: string[]) => ({
      pk: `V#${visitorId}`,
      sk: `2026-11-25T00:00:00.000Z#oldbeacon123#0${n}`,
      at: '2026-11-25T00:00:00.100Z',
      sid: 'session-0',
      ip: '127.0.0.1',
      ev: paths.map((p) => ({ t: 'pageview' as const, p })),
      expiresAt: 2_000_000_000,
    });
    await store.put(part(0, ['/old/a', '/old/b']));
    await store.put(part(1, ['/old/c']));
    expect((await call('POST', '/v1/visits', beacon(visitorId, await consent(visitorId, true), '/new'))).body).toEqual({ stored: 3 });
    const listed = await staff('GET', `/v1/admin/visits?visitorId=${visitorId}`);
    expect(listed.body.items.map((i: { type: string; path?: string }) => `${i.type} ${i.path ?? ''}`)).toEqual([
      'leave /new',
      'search ',
      'pageview /new',
      'pageview /old/c',
      'pageview /old/b',
      'pageview /old/a',
    ]);
  });

  it('finds a member\u2019s one-record beacons and older parts by their links, exports them and erases them all by query', async () => {
    const store = new DynamoVisitStore(documentClient(), tableName('visits'));
    const data = new DynamoPersonalData(documentClient(), { visits: tableName('visits'), consents: tableName('consents') });
    const [visitorId, memberId] = [visitor(), `m-${randomUUID()}`];
    for (const part of ['00', '01'])
      await store.put({
        pk: `V#${visitorId}`,
        sk: `2026-11-25T00:00:00.000Z#oldbeacon123#${part}`,
        at: '2026-11-25T00:00:00.100Z',
        sid: 's',
        ip: '127.0.0.1',
        ev: [{ t: 'pageview', p: `/old/${part}` }],
        expiresAt: 2_000_000_000,
      });
    expect((await call('POST', '/v1/visits', beacon(visitorId, await consent(visitorId, true)))).body).toEqual({ stored: 3 });
    expect((await call('PUT', `/v1/members/${memberId}/visitors/${visitorId}`)).status).toBe(200);
    const ids = await data.visitorIds(memberId);
    expect(ids).toEqual([visitorId]);
    expect((await data.visits(ids)).flatMap((r) => r.ev.map((e) => e.t))).toHaveLength(5);
    expect(await data.eraseVisits(memberId, ids)).toBe(4); // three records of visits and the member's link
    expect(await itemsOf('visits', `V#${visitorId}`)).toEqual([]);
  });
});
