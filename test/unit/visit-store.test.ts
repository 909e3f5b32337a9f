import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeMap } from '../../shared/adapters/visit-store';
import { packVisitRecord, type VisitEventInput } from '../../shared/domain/visits';

const now = new Date('2026-11-25T03:00:00.000Z');
const text = fc.string({ unit: fc.constantFrom('a', 'ก', '€', '/', '😀', '?', '"', '\\'), maxLength: 300 });
const anyEvent: fc.Arbitrary<VisitEventInput> = fc.record(
  {
    type: fc.constantFrom('pageview', 'search', 'leave', 'order'),
    path: text,
    referrer: text,
    title: text,
    searchKind: text,
    query: text,
    results: fc.nat(1e9),
    durationMs: fc.nat(86_400_000),
    orderId: text,
    total: fc.double({ min: 0, max: 1e10, noNaN: true }),
    at: fc.date({ min: new Date('2026-11-25T02:00:00.000Z'), max: new Date('2026-11-25T04:00:00.000Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  },
  { requiredKeys: ['type'] },
);

describe('DynamoVisitStore', () => {
  it('writes a visit record in the wire format the document client\u2019s marshall gives, for any beacon (property)', () => {
    fc.assert(
      fc.property(
        fc.array(anyEvent, { minLength: 1, maxLength: 50 }),
        fc.record({ ip: fc.constant('203.0.113.7'), browser: fc.option(text, { nil: undefined }), asn: fc.option(fc.nat(4_294_967_295), { nil: undefined }) }),
        (events, facts) => {
          const record = packVisitRecord({ visitorId: 'visitor-1', sessionId: 's-1', events }, facts, now, 395);
          expect(attributeMap(record)).toEqual(marshall(record, { removeUndefinedValues: true }));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves undefined values out, refuses the numbers marshall refuses, and anything a visit record never holds', () => {
    expect(attributeMap({ a: 'x', b: undefined, l: [1, undefined, { c: true, d: null }] })).toEqual(
      marshall({ a: 'x', b: undefined, l: [1, undefined, { c: true, d: null }] }, { removeUndefinedValues: true }),
    );
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => attributeMap({ bad })).toThrow(TypeError);
      expect(() => marshall({ bad }, { removeUndefinedValues: true })).toThrow();
    }
    // Sets, binaries and class instances: marshall has rules for them; a visit record has none of them.
    for (const other of [new Set(['a']), Buffer.from('a'), new Date(0)]) expect(() => attributeMap({ other })).toThrow(TypeError);
  });
});
