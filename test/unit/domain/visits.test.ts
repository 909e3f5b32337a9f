import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TokenCheck } from '../../../shared/domain/consent-token';
import {
  consentGate,
  FIELD_BUDGET,
  itemSize,
  packVisitRecord,
  pathOnly,
  RECORD_BYTES_PER_EVENT,
  recordBudgetBytes,
  referrerOnly,
  storedEvent,
  truncateUtf8,
  unpackVisitRecord,
  type BeaconInput,
  type VisitEventInput,
} from '../../../shared/domain/visits';
import { BEACON_LIMITS } from '../../../shared/schemas/visits';

const now = new Date('2026-11-25T03:00:00.000Z');
const facts = { ip: '203.0.113.7', browser: 'Chrome 130', os: 'Windows 10' };
const claims = (sub: string, a: boolean): TokenCheck => ({ ok: true, claims: { sub, rid: 'r', pv: '2024-01', a, m: false, iat: 0, exp: 0 } });

describe('consentGate', () => {
  it.each<[string, TokenCheck | undefined, { analytics: boolean } | undefined, string | undefined]>([
    ['a valid token and a current consent that allow analytics', claims('v1', true), { analytics: true }, undefined],
    ['a valid token issued before a withdrawal', claims('v1', true), { analytics: false }, 'consent_withdrawn'],
    ['a valid token without analytics', claims('v1', false), { analytics: true }, 'analytics_not_consented'],
    ['a token for another visitor', claims('v2', true), { analytics: true }, 'token_for_other_visitor'],
    ['a forged token', { ok: false, reason: 'bad_signature' }, { analytics: true }, 'invalid_token'],
    ['a malformed token', { ok: false, reason: 'malformed' }, { analytics: true }, 'invalid_token'],
    ['an expired token', { ok: false, reason: 'expired' }, { analytics: true }, 'token_expired'],
    ['a valid token whose consent record is gone (erased)', claims('v1', true), undefined, 'no_consent'],
    ['no token and a current consent that allows analytics', undefined, { analytics: true }, undefined],
    ['no token and a refusal', undefined, { analytics: false }, 'analytics_not_consented'],
    ['no token and no consent at all', undefined, undefined, 'no_consent'],
  ])('%s -> %s', (_name, token, current, reason) => {
    const decision = consentGate('v1', token, current);
    expect(decision).toEqual(reason ? { store: false, reason } : { store: true });
  });
});

describe('sanitising', () => {
  it('keeps pages without query string or fragment, where e-mail addresses and tokens hide', () => {
    expect(pathOnly('/checkout?email=a@example.com#x')).toBe('/checkout');
    expect(referrerOnly('https://www.example.com/search?q=a%40b.com')).toBe('https://www.example.com/search');
    expect(referrerOnly('not a url?x=1')).toBe('not a url');
  });

  it('keeps of a referrer what URL parsing gives, origin and path, also where it skips the parse (property)', () => {
    const parsed = (value: string) => {
      try {
        const url = new URL(value);
        return `${url.origin}${url.pathname}`;
      } catch {
        return pathOnly(value);
      }
    };
    const piece = fc.constantFrom('a', 'Z', '0', '-', '.', '..', '/', '_', '~', '%2e', ':', '@', ':443', ':8080', '?', '#', 'xn--', 'ก', ' ', '\\', '1');
    const host = fc.array(fc.constantFrom('shop', 'example', 'com', 'co', 'th', 'xn--p1ai', '1', '127', 'EXAMPLE', '-a', 'b-'), { minLength: 1, maxLength: 4 });
    const referrer = fc
      .tuple(fc.constantFrom('https://', 'http://', 'HTTPS://', 'ftp://', '', '//'), host, fc.array(piece, { maxLength: 8 }))
      .map(([scheme, labels, rest]) => `${scheme}${labels.join('.')}${rest.join('')}`);
    fc.assert(
      fc.property(referrer, (value) => {
        expect(referrerOnly(value)).toBe(parsed(value));
      }),
      { numRuns: 3000 },
    );
    for (const value of [
      'https://shop.example.com',
      'https://shop.example.com/products/tea.html?utm=1',
      'https://shop.example.com/a/../b',
      'http://192.168.0.1/x',
      'https://xn--p1ai.example/x',
    ]) {
      expect(referrerOnly(value)).toBe(parsed(value));
    }
  });

  it('cuts UTF-8 at a character boundary, never inside a Thai character', () => {
    const thai = 'ชาเขียว'; // 3 bytes per character
    expect(truncateUtf8(thai, 7)).toBe('ชา');
    expect(Buffer.byteLength(truncateUtf8(thai, 7))).toBe(6);
    expect(truncateUtf8('abc', 10)).toBe('abc');
  });
});

const beacon = (events: VisitEventInput[], over: Partial<BeaconInput> = {}): BeaconInput => ({ visitorId: 'visitor-1', sessionId: 's-1', events, ...over });
const pageview = (i: number): VisitEventInput => ({ type: 'pageview', path: `/p/${i}` });

describe('packVisitRecord', () => {
  it('stores ten events as one record with the request facts once', () => {
    const record = packVisitRecord(beacon(Array.from({ length: 10 }, (_, i) => pageview(i))), facts, now, 395);
    expect(record).toMatchObject({ pk: 'V#visitor-1', ip: '203.0.113.7', br: 'Chrome 130', at: now.toISOString(), sid: 's-1' });
    expect(record.ev.map((e) => e.p)).toEqual(Array.from({ length: 10 }, (_, i) => `/p/${i}`));
  });

  it('sets the TTL to the retention period after the server time', () => {
    const record = packVisitRecord(beacon([pageview(1)]), facts, now, 395);
    expect(record.expiresAt).toBe(now.getTime() / 1000 + 395 * 86_400);
  });

  it('gives a retried beacon the same keys (so it overwrites itself) when the client sent its time', () => {
    const events = Array.from({ length: 10 }, (_, i) => ({ ...pageview(i), at: '2026-11-25T02:59:58.000Z' }));
    const first = packVisitRecord(beacon(events), facts, now, 395);
    const retry = packVisitRecord(beacon(events), facts, new Date(now.getTime() + 30_000), 395);
    expect([retry.pk, retry.sk]).toEqual([first.pk, first.sk]);
    expect(first.sk).toMatch(/^2026-11-25T02:59:58\.000Z#[A-Za-z0-9_-]{12}$/);
    // Another beacon of the same session at the same time is another record.
    expect(packVisitRecord(beacon(events.slice(1)), facts, now, 395).sk).not.toBe(first.sk);
  });

  it('orders by the server time when the client clock is implausible', () => {
    const record = packVisitRecord(beacon([{ ...pageview(1), at: '1999-01-01T00:00:00.000Z' }]), facts, now, 395);
    expect(record.sk.startsWith(now.toISOString())).toBe(true);
    expect(record.ev[0]!.c).toBe('1999-01-01T00:00:00.000Z');
  });

  it('budgets 1000 bytes per event, capped at the most events a beacon may carry: 50 KB, an eighth of DynamoDB\u2019s 400 KB item limit', () => {
    expect(recordBudgetBytes(1)).toBe(RECORD_BYTES_PER_EVENT);
    expect(recordBudgetBytes(10)).toBe(10 * RECORD_BYTES_PER_EVENT);
    expect(recordBudgetBytes(BEACON_LIMITS.events + 50)).toBe(recordBudgetBytes(BEACON_LIMITS.events));
    expect(recordBudgetBytes(BEACON_LIMITS.events)).toBeLessThanOrEqual((400 * 1024) / 8);
  });

  it('fits a maximal beacon (50 events, every field at its longest, 4-byte characters) into its budget, every event cut no further than its field budgets', () => {
    const longest = (units: number) => '\u{1F375}'.repeat(units / 2); // 2 UTF-16 units, 4 UTF-8 bytes each
    const event: VisitEventInput = {
      type: 'pageview',
      path: `/${longest(BEACON_LIMITS.text.path - 2)}`,
      referrer: `https://shop.example.com/${longest(BEACON_LIMITS.text.referrer - 26)}`,
      title: longest(BEACON_LIMITS.text.title),
      searchKind: longest(BEACON_LIMITS.text.searchKind),
      query: longest(BEACON_LIMITS.text.query),
      results: BEACON_LIMITS.results,
      durationMs: BEACON_LIMITS.durationMs,
      orderId: longest(BEACON_LIMITS.text.orderId),
      total: 1234567.891234,
      at: '2026-11-25T09:59:58.123456+07:00',
    };
    const maximal = beacon(
      Array.from({ length: BEACON_LIMITS.events }, () => event),
      { visitorId: 'v'.repeat(128), sessionId: 's'.repeat(128) },
    );
    const longFacts = {
      ip: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      browser: 'b'.repeat(200),
      os: 'o'.repeat(200),
      device: 'd'.repeat(100),
      asn: 4_294_967_295,
      isp: 'i'.repeat(200),
    };
    const record = packVisitRecord(maximal, longFacts, now, 395);
    expect(itemSize(record)).toBeLessThanOrEqual(recordBudgetBytes(BEACON_LIMITS.events));
    expect(record.ev).toHaveLength(BEACON_LIMITS.events);
    for (const stored of record.ev) {
      // Each free-text field is at its budget (to a whole character): the record's budget took nothing more.
      expect(Buffer.byteLength(stored.ti!)).toBeGreaterThan(FIELD_BUDGET.title - 4);
      expect(Buffer.byteLength(stored.p!)).toBeGreaterThan(FIELD_BUDGET.path - 4);
      expect(Buffer.byteLength(stored.o!)).toBeGreaterThan(FIELD_BUDGET.orderId - 4);
    }
  });

  // A shell of about 550 bytes (longest ids, long request facts) and events with every free-text field at its budget.
  const longIds = { visitorId: 'v'.repeat(128), sessionId: 's'.repeat(128) };
  const longFacts = { ip: '203.0.113.7', browser: 'b'.repeat(40), os: 'o'.repeat(40), device: 'mobile', isp: 'i'.repeat(64) };
  const full = (i: number): VisitEventInput => ({
    type: 'pageview',
    path: `/${String(i).padEnd(FIELD_BUDGET.path - 1, 'p')}`,
    referrer: `https://shop.example.com/${String(i).padEnd(FIELD_BUDGET.referrer - 25, 'r')}`,
    title: String(i).padEnd(FIELD_BUDGET.title, 't'),
    searchKind: 'k'.repeat(FIELD_BUDGET.searchKind),
    query: 'q'.repeat(FIELD_BUDGET.query),
    orderId: 'o'.repeat(FIELD_BUDGET.orderId),
  });

  it('cuts the free text of an overlong beacon in its order: the title first, then the referrer, then the query, the path last', () => {
    const record = packVisitRecord(beacon([full(1)], longIds), longFacts, now, 395);
    expect(itemSize(record)).toBeLessThanOrEqual(recordBudgetBytes(1));
    const event = record.ev[0]!;
    expect(event).not.toHaveProperty('ti');
    expect(event).not.toHaveProperty('r');
    expect(event.q).toBe('q'.repeat(FIELD_BUDGET.query / 2));
    expect([event.p, event.k, event.o]).toEqual([full(1).path, full(1).searchKind, full(1).orderId]);
  });

  it('within a field, cuts the longest value first, and only as far as the record needs', () => {
    const events = [full(1), { ...full(2), title: 'short title' }];
    const record = packVisitRecord(beacon(events, longIds), longFacts, now, 395);
    expect(itemSize(record)).toBeLessThanOrEqual(recordBudgetBytes(2));
    expect(record.ev.map((e) => e.ti)).toEqual([full(1).title!.slice(0, FIELD_BUDGET.title / 2), 'short title']);
    expect(record.ev.map((e) => e.r)).toEqual(events.map((e) => e.referrer));
  });

  const text = (max: number) => fc.string({ unit: fc.constantFrom('a', 'ก', '€', '/', '😀', '?'), maxLength: max });
  const anyEvent: fc.Arbitrary<VisitEventInput> = fc.oneof(
    fc.record({
      type: fc.constant('pageview' as const),
      path: text(2048),
      referrer: fc.option(text(2048), { nil: undefined }),
      title: fc.option(text(512), { nil: undefined }),
    }),
    fc.record({ type: fc.constant('search' as const), searchKind: text(64), query: fc.option(text(512), { nil: undefined }) }),
    fc.record({ type: fc.constant('leave' as const), durationMs: fc.nat(86_400_000), path: fc.option(text(2048), { nil: undefined }) }),
    fc.record({ type: fc.constant('order' as const), orderId: text(128), total: fc.option(fc.double({ min: 0, max: 1e10, noNaN: true }), { nil: undefined }) }),
  );

  it('keeps every event, in order, in one record within its budget, for any beacon (property)', () => {
    fc.assert(
      fc.property(
        fc.array(anyEvent, { minLength: 1, maxLength: 50 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{8,128}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/),
        (events, visitorId, sessionId) => {
          const record = packVisitRecord(beacon(events, { visitorId, sessionId }), { ...facts, isp: 'x'.repeat(200), browser: 'b'.repeat(100) }, now, 395);
          expect(itemSize(record)).toBeLessThanOrEqual(recordBudgetBytes(events.length));
          expect(record.ev.map((e) => e.t)).toEqual(events.map((e) => e.type));
          // The shortcut the packing takes: events count at most three bytes per character of their JSON.
          const stored = events.map(storedEvent);
          expect(itemSize({ ev: stored }) - itemSize({ ev: [] })).toBeLessThanOrEqual(3 * JSON.stringify(stored).length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('unpacks into one row per event, newest first, with the request facts spelled out', () => {
    const record = packVisitRecord(beacon([pageview(1), { type: 'leave', path: '/p/1', durationMs: 1500 }]), facts, now, 395);
    const rows = unpackVisitRecord(record);
    expect(rows.map((r) => r.type)).toEqual(['leave', 'pageview']);
    expect(rows[1]).toMatchObject({ visitorId: 'visitor-1', sessionId: 's-1', path: '/p/1', ip: '203.0.113.7', browser: 'Chrome 130', at: now.toISOString() });
    expect(rows[0]!.durationMs).toBe(1500);
  });
});
