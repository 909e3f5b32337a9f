/**
 * The beacon body's hand-written fast path must give zod's answer: the same value (fields and their
 * order) where zod accepts, and no value where zod refuses. Checked on a table of edge cases at every
 * limit of the schema and on generated bodies that sit near those limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptedBeacon } from '../../shared/schemas/beacon-fast-path';
import { BeaconInput } from '../../shared/schemas/visits';

/** Both answers for one value: zod's output (or undefined when it refuses) and the fast path's. */
function answers(value: unknown) {
  const zod = BeaconInput.safeParse(value);
  return { zod: zod.success ? JSON.stringify(zod.data) : undefined, fast: JSON.stringify(acceptedBeacon(value)) };
}

const beacon = (events: unknown[], extra: Record<string, unknown> = {}) => ({ visitorId: 'v-0123456789', sessionId: 's-1', events, ...extra });
const pageview = (extra: Record<string, unknown> = {}) => ({ type: 'pageview', path: '/products/tea', ...extra });
const times = (n: number, value: unknown) => Array.from({ length: n }, () => value);

/** [case, body, zod accepts it] */
const CASES: [string, unknown, boolean][] = [
  ['a page view', beacon([pageview()]), true],
  [
    'every field of every type',
    beacon(
      [
        pageview({ referrer: 'https://a.example/', title: 'ชา', durationMs: 5, at: '2026-11-26T10:00:00.123+07:00' }),
        { type: 'search', searchKind: 'product', query: 'tea' },
        { type: 'leave', durationMs: 0 },
        { type: 'order', orderId: 'o-1', total: 12.5 },
      ],
      { consentToken: 'abc.def' },
    ),
    true,
  ],
  ['unknown fields, dropped', beacon([pageview({ colour: 'red' })], { extra: 1 }), true],
  ['a search with its result count (0: none found)', beacon([{ type: 'search', searchKind: 'product', query: 'tea', results: 0 }]), true],
  ['a negative result count', beacon([{ type: 'search', searchKind: 'product', results: -1 }]), false],
  ['a fractional result count', beacon([{ type: 'search', searchKind: 'product', results: 1.5 }]), false],
  ['a result count over the limit', beacon([{ type: 'search', searchKind: 'product', results: 1e9 + 1 }]), false],
  ['50 events', beacon(times(50, pageview())), true],
  ['51 events', beacon(times(51, pageview())), false],
  ['no events', beacon([]), false],
  ['events not an array', beacon({ 0: pageview() } as unknown as unknown[]), false],
  ['visitor id of 7 characters', { ...beacon([pageview()]), visitorId: 'v-01234' }, false],
  ['visitor id of 8 characters', { ...beacon([pageview()]), visitorId: 'v-012345' }, true],
  ['visitor id of 129 characters', { ...beacon([pageview()]), visitorId: 'v'.repeat(129) }, false],
  ['visitor id with a dot', { ...beacon([pageview()]), visitorId: 'v.0123456789' }, false],
  ['visitor id ending in a newline', { ...beacon([pageview()]), visitorId: 'v-0123456789\n' }, false],
  ['empty session id', { ...beacon([pageview()]), sessionId: '' }, false],
  ['session id of 128 characters', { ...beacon([pageview()]), sessionId: 's'.repeat(128) }, true],
  ['session id a number', { ...beacon([pageview()]), sessionId: 12345 }, false],
  ['token of 4096 characters', beacon([pageview()], { consentToken: 't'.repeat(4096) }), true],
  ['token of 4097 characters', beacon([pageview()], { consentToken: 't'.repeat(4097) }), false],
  ['token null', beacon([pageview()], { consentToken: null }), false],
  ['page view without a path', beacon([{ type: 'pageview' }]), false],
  ['page view with an empty path', beacon([pageview({ path: '' })]), false],
  ['path of 2048 characters', beacon([pageview({ path: 'p'.repeat(2048) })]), true],
  ['path of 2049 characters', beacon([pageview({ path: 'p'.repeat(2049) })]), false],
  ['title of 513 characters', beacon([pageview({ title: 't'.repeat(513) })]), false],
  ['empty referrer (optional text may be empty)', beacon([pageview({ referrer: '' })]), true],
  ['referrer null', beacon([pageview({ referrer: null })]), false],
  ['search without a kind', beacon([{ type: 'search', query: 'tea' }]), false],
  ['search kind of 65 characters', beacon([{ type: 'search', searchKind: 'k'.repeat(65) }]), false],
  ['leave without a duration', beacon([{ type: 'leave', path: '/x' }]), false],
  ['duration of a day', beacon([{ type: 'leave', durationMs: 86_400_000 }]), true],
  ['duration over a day', beacon([{ type: 'leave', durationMs: 86_400_001 }]), false],
  ['negative duration', beacon([{ type: 'leave', durationMs: -1 }]), false],
  ['fractional duration', beacon([{ type: 'leave', durationMs: 1.5 }]), false],
  ['duration as text', beacon([{ type: 'leave', durationMs: '15' }]), false],
  ['order without an id', beacon([{ type: 'order', total: 1 }]), false],
  ['order id of 129 characters', beacon([{ type: 'order', orderId: 'o'.repeat(129) }]), false],
  ['negative total', beacon([{ type: 'order', orderId: 'o', total: -0.01 }]), false],
  ['total over the limit', beacon([{ type: 'order', orderId: 'o', total: 1e10 + 1 }]), false],
  ['client time without offset', beacon([pageview({ at: '2026-11-26T10:00:00' })]), false],
  ['client time on 30 February', beacon([pageview({ at: '2026-02-30T10:00:00Z' })]), false],
  ['client time a number', beacon([pageview({ at: 1_795_575_600_000 })]), false],
  ['unknown event type', beacon([{ type: 'click', path: '/x' }]), false],
  ['event without a type', beacon([{ path: '/x' }]), false],
  ['event null', beacon([null]), false],
  ['body an array', [beacon([pageview()])], false],
  ['body null', null, false],
];

describe('beacon fast path', () => {
  it.each(CASES)('gives zod’s answer for %s', (name, body, accepted) => {
    const { zod, fast } = answers(body);
    expect(zod !== undefined).toBe(accepted);
    // An event field it does not know (one the schema may have gained) is left to zod: no value.
    expect(fast).toBe(name.startsWith('unknown fields') ? undefined : zod);
  });

  it('gives zod’s answer, value and field order included, for generated bodies near every limit (property)', () => {
    // Mostly values zod accepts, with one field in a few off by a little or of the wrong kind.
    const around = (limit: number) => fc.integer({ min: Math.max(0, limit - 2), max: limit + 2 });
    const text = (limit: number) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.string({ maxLength: 8 }) },
        { weight: 1, arbitrary: around(limit).map((n) => 'x'.repeat(n)) },
        { weight: 1, arbitrary: fc.constant('') },
      );
    const anything = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 4 }), fc.constant([]), fc.constant({}));
    /** Absent one time in `absentOneIn`, and now and then of the wrong kind. */
    const maybe = <T>(arb: fc.Arbitrary<T>, absentOneIn = 2) =>
      fc.option(fc.oneof({ weight: 20, arbitrary: arb }, { weight: 1, arbitrary: anything }), { nil: undefined, freq: absentOneIn });
    const number = (limit: number) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }) },
        { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) },
        { weight: 1, arbitrary: fc.integer({ min: limit - 2, max: limit + 2 }) },
        { weight: 1, arbitrary: fc.double({ min: -1, max: limit + 1, noNaN: true }) },
      );
    const clientTime = fc.oneof(
      { weight: 6, arbitrary: fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('2026-11-26T10:00:00+07:00', '2026-11-26 10:00:00Z', '2026-11-26', '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z'),
      },
    );
    const event = fc.record(
      {
        type: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('pageview', 'search', 'leave', 'order') }, { weight: 1, arbitrary: anything }),
        path: maybe(text(2048), 8),
        referrer: maybe(text(2048)),
        title: maybe(text(512)),
        searchKind: maybe(text(64), 8),
        query: maybe(text(512)),
        results: maybe(number(1e9)),
        durationMs: maybe(number(86_400_000), 8),
        orderId: maybe(text(128), 8),
        total: maybe(number(1e10)),
        at: maybe(clientTime),
        extra: maybe(fc.string()),
      },
      // The fields some type requires are there more often than not; a few are undefined (absent in JSON).
      { requiredKeys: ['type', 'path', 'searchKind', 'durationMs', 'orderId'] },
    );
    const body = fc.record(
      {
        visitorId: fc.oneof(
          { weight: 8, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{7,12}$/) },
          { weight: 1, arbitrary: around(128).map((n) => 'v'.repeat(n)) },
          { weight: 1, arbitrary: anything },
        ),
        sessionId: fc.oneof(
          { weight: 8, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{0,3}$/) },
          { weight: 1, arbitrary: around(128).map((n) => 's'.repeat(n)) },
          { weight: 1, arbitrary: anything },
        ),
        consentToken: maybe(text(4096)),
        events: fc.oneof(
          { weight: 8, arbitrary: fc.array(event, { minLength: 0, maxLength: 2 }) },
          { weight: 1, arbitrary: around(50).chain((n) => fc.array(event, { minLength: n, maxLength: n })) },
          { weight: 1, arbitrary: anything },
        ),
        extra: maybe(anything),
      },
      { requiredKeys: ['visitorId', 'sessionId', 'events'] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(body, (value) => {
        // The route hands the fast path parsed JSON, never `undefined` values: compare on that.
        const json = JSON.parse(JSON.stringify(value)) as unknown;
        const { zod, fast } = answers(json);
        if (zod !== undefined) accepted++;
        const events = (json as { events?: unknown }).events;
        const unknownField = Array.isArray(events) && events.some((e) => typeof e === 'object' && e !== null && 'extra' in e);
        // With an event field it does not know, it may only leave the answer to zod.
        expect(fast).toBe(unknownField ? undefined : zod);
      }),
      { numRuns: 3000 },
    );
    // The generator must reach both answers, or the property proves little.
    expect(accepted).toBeGreaterThan(50);
  });
});
