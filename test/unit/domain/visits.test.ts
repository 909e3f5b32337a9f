import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TokenCheck } from '../../../shared/domain/consent-token';
import {
  consentGate,
  itemSize,
  packVisitRecords,
  pathOnly,
  RECORD_BUDGET_BYTES,
  referrerOnly,
  truncateUtf8,
  unpackVisitRecord,
  type BeaconInput,
  type VisitEventInput,
} from '../../../shared/domain/visits';

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

describe('packVisitRecords', () => {
  it('packs ten small events into one record with the request facts stored once', () => {
    const records = packVisitRecords(beacon(Array.from({ length: 10 }, (_, i) => pageview(i))), facts, now, 395);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ pk: 'V#visitor-1', ip: '203.0.113.7', br: 'Chrome 130', at: now.toISOString(), sid: 's-1' });
    expect(records[0]!.ev).toHaveLength(10);
  });

  it('sets the TTL to the retention period after the server time', () => {
    const [record] = packVisitRecords(beacon([pageview(1)]), facts, now, 395);
    expect(record!.expiresAt).toBe(now.getTime() / 1000 + 395 * 86_400);
  });

  it('gives a retried beacon the same keys (so it overwrites itself) when the client sent its time', () => {
    const events = [{ ...pageview(1), at: '2026-11-25T02:59:58.000Z' }];
    const first = packVisitRecords(beacon(events), facts, now, 395).map((r) => r.sk);
    const retry = packVisitRecords(beacon(events), facts, new Date(now.getTime() + 30_000), 395).map((r) => r.sk);
    expect(retry).toEqual(first);
  });

  it('orders by the server time when the client clock is implausible', () => {
    const [record] = packVisitRecords(beacon([{ ...pageview(1), at: '1999-01-01T00:00:00.000Z' }]), facts, now, 395);
    expect(record!.sk.startsWith(now.toISOString())).toBe(true);
    expect(record!.ev[0]!.c).toBe('1999-01-01T00:00:00.000Z');
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

  it('keeps every record under the 1 KB write unit and every event, in order, for any beacon (property)', () => {
    fc.assert(
      fc.property(
        fc.array(anyEvent, { minLength: 1, maxLength: 50 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{8,128}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/),
        (events, visitorId, sessionId) => {
          const records = packVisitRecords(beacon(events, { visitorId, sessionId }), { ...facts, isp: 'x'.repeat(200), browser: 'b'.repeat(100) }, now, 395);
          for (const r of records) expect(itemSize(r)).toBeLessThanOrEqual(RECORD_BUDGET_BYTES);
          expect(records.flatMap((r) => r.ev.map((e) => e.t))).toEqual(events.map((e) => e.type));
          expect(new Set(records.map((r) => r.sk)).size).toBe(records.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('fills each record as far as the budget allows: the next record\u2019s first event would not have fitted (property)', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { minLength: 2, maxLength: 50 }), (events) => {
        const records = packVisitRecords(beacon(events), facts, now, 395);
        for (let i = 0; i + 1 < records.length; i++) {
          const record = records[i]!;
          const grown = { ...record, ev: [...record.ev, records[i + 1]!.ev[0]!] };
          // A record of one event may have been shortened to fit; between records of several the packing is greedy.
          if (record.ev.length > 1 && records[i + 1]!.ev.length > 1) expect(itemSize(grown)).toBeGreaterThan(RECORD_BUDGET_BYTES);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('unpacks into one row per event, newest first, with the request facts spelled out', () => {
    const [record] = packVisitRecords(beacon([pageview(1), { type: 'leave', path: '/p/1', durationMs: 1500 }]), facts, now, 395);
    const rows = unpackVisitRecord(record!);
    expect(rows.map((r) => r.type)).toEqual(['leave', 'pageview']);
    expect(rows[1]).toMatchObject({ visitorId: 'visitor-1', sessionId: 's-1', path: '/p/1', ip: '203.0.113.7', browser: 'Chrome 130', at: now.toISOString() });
    expect(rows[0]!.durationMs).toBe(1500);
  });
});
