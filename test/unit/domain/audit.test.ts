import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, hashEntry, nextEntry, verifyChain } from '../../../shared/domain/audit';
import type { AuditEntry, AuditInput } from '../../../shared/domain/ports';

const t0 = new Date('2026-03-01T09:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

const inputs: AuditInput[] = [
  { subject: 'm-1', actor: 'storefront-backend', action: 'member.registered', requestId: 'req-1', details: { fields: ['email', 'name'] } },
  {
    subject: 'm-1',
    actor: 'arn:aws:iam::123456789012:user/staff-a',
    action: 'request.opened',
    requestId: 'req-2',
    details: { type: 'access', nested: { a: 1, b: [true, null] } },
  },
  { subject: 'm-1', actor: 'requester', action: 'consent.changed' },
  { subject: 'm-1', actor: 'system:hold-expiry', action: 'member.deactivated', details: { reason: 'cancelled' } },
];

function chainOf(list: AuditInput[], start = 0): AuditEntry[] {
  const chain: AuditEntry[] = [];
  for (const [i, input] of list.entries()) chain.push(nextEntry(chain.at(-1), input, at(start + i)));
  return chain;
}

/** A copy of the chain with entry `index` replaced (without recomputing any hash). */
const withEntry = (chain: AuditEntry[], index: number, change: (e: AuditEntry) => AuditEntry) => chain.map((e, i) => (i === index ? change(e) : e));
const rehash = ({ hash: _hash, ...rest }: AuditEntry): AuditEntry => ({ ...rest, hash: hashEntry(rest) });

describe('nextEntry', () => {
  it('starts a subject\u2019s chain at seq 1, linked to the genesis hash, stamped with the clock', () => {
    const first = nextEntry(undefined, inputs[0]!, t0);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(first).toMatchObject({ seq: 1, at: '2026-03-01T09:00:00.000Z', prevHash: GENESIS_HASH, ...inputs[0] });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes prevHash followed by the canonical JSON of the entry\u2019s fields with SHA-256', () => {
    const first = nextEntry(undefined, inputs[0]!, t0);
    const { hash, ...fields } = first;
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalJson(fields))
      .digest('hex');
    expect(hash).toBe(expected);
    expect(hashEntry(fields)).toBe(expected);
  });

  it('continues the chain: seq + 1 and prevHash = the previous entry\u2019s hash', () => {
    const [first, second] = chainOf(inputs.slice(0, 2));
    expect(second).toMatchObject({ seq: 2, prevHash: first!.hash });
    expect(second!.hash).not.toBe(first!.hash);
  });

  it('leaves out requestId and details when the input has none, rather than storing undefined', () => {
    const entry = nextEntry(undefined, { subject: 's', actor: 'a', action: 'x', requestId: undefined, details: undefined }, t0);
    expect(Object.keys(entry).sort()).toEqual(['action', 'actor', 'at', 'hash', 'prevHash', 'seq', 'subject']);
  });

  it('stores details as plain JSON, so an entry read back from storage (a JSON round trip) still verifies', () => {
    const entry = nextEntry(undefined, { subject: 's', actor: 'a', action: 'x', details: { when: new Date(0), gone: undefined, list: [undefined, 1] } }, t0);
    expect(entry.details).toEqual({ when: '1970-01-01T00:00:00.000Z', list: [null, 1] });
    expect(verifyChain([JSON.parse(JSON.stringify(entry)) as AuditEntry])).toEqual({ ok: true, entries: 1, head: entry.hash });
  });

  it('refuses to chain an entry onto another subject\u2019s entry', () => {
    const other = nextEntry(undefined, { ...inputs[0]!, subject: 'm-2' }, t0);
    expect(() => nextEntry(other, inputs[1]!, t0)).toThrow(/another subject/);
  });
});

describe('canonicalJson', () => {
  it('gives the same text whatever order the keys were set in, at every depth', () => {
    const a = { b: 1, a: { d: [{ y: 2, x: 1 }], c: 'c' } };
    const b = { a: { c: 'c', d: [{ x: 1, y: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":"c","d":[{"x":1,"y":2}]},"b":1}');
  });

  it('keeps array order, because it carries meaning', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('makes an entry\u2019s hash independent of the property order of the entry and of its details', () => {
    const entry = nextEntry(undefined, { subject: 's', actor: 'a', action: 'x', details: { one: 1, two: { b: 2, a: 1 } } }, t0);
    const { hash, ...fields } = entry;
    const reordered = Object.fromEntries(Object.entries({ ...fields, details: { two: { a: 1, b: 2 }, one: 1 } }).reverse()) as unknown as Omit<
      AuditEntry,
      'hash'
    >;
    expect(hashEntry(reordered)).toBe(hash);
  });

  it('sorts integer-like keys as strings and escapes keys like JSON.stringify', () => {
    expect(canonicalJson({ 10: 'a', 9: 'b', 'q"k': true })).toBe('{"10":"a","9":"b","q\\"k":true}');
  });

  it('refuses values JSON would silently change (Map, Set, BigInt, cycles) instead of hashing them as {}', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson({ m: new Map([['a', 1]]) })).toThrow(TypeError);
    expect(() => canonicalJson({ s: new Set([1]) })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });

  it('accepts a value reached twice without a cycle', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });

  it('is JSON for the same data and ignores key order, for any JSON value (property)', () => {
    const shuffleKeys = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(shuffleKeys);
      if (value && typeof value === 'object')
        return Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, shuffleKeys(v)]),
        );
      return value;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(shuffleKeys(value))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('verifyChain', () => {
  const chain = chainOf(inputs);

  it('accepts an intact chain and reports its length and head hash', () => {
    expect(verifyChain(chain)).toEqual({ ok: true, entries: 4, head: chain[3]!.hash });
  });

  it('accepts an empty chain, with no head', () => {
    expect(verifyChain([])).toEqual({ ok: true, entries: 0 });
  });

  it('sorts by seq first, so the order entries arrive in does not matter', () => {
    expect(verifyChain([chain[2]!, chain[0]!, chain[3]!, chain[1]!])).toEqual({ ok: true, entries: 4, head: chain[3]!.hash });
  });

  const edits: [string, (e: AuditEntry) => AuditEntry][] = [
    ['at', (e) => ({ ...e, at: '2020-01-01T00:00:00.000Z' })],
    ['subject', (e) => ({ ...e, subject: 'm-2' })],
    ['actor', (e) => ({ ...e, actor: 'someone-else' })],
    ['action', (e) => ({ ...e, action: 'nothing.happened' })],
    ['requestId (changed or added)', (e) => ({ ...e, requestId: 'req-forged' })],
    ['requestId (removed)', ({ requestId: _r, ...e }) => (_r === undefined ? { ...e, requestId: 'req-added' } : e)],
    ['details (a nested value)', (e) => ({ ...e, details: { ...e.details, reason: 'edited' } })],
    ['details (removed)', ({ details: _d, ...e }) => (_d === undefined ? { ...e, details: {} } : e)],
    ['prevHash', (e) => ({ ...e, prevHash: 'f'.repeat(64) })],
    ['hash', (e) => ({ ...e, hash: 'f'.repeat(64) })],
  ];
  const cases = edits.flatMap(([field, edit]) => chain.map((_, index) => [field, index + 1, edit] as const));

  it.each(cases)('reports a hash mismatch at the edited entry when its %s is edited (entry %i)', (_field, seq, edit) => {
    expect(verifyChain(withEntry(chain, seq - 1, edit))).toEqual({ ok: false, entries: 4, firstBrokenSeq: seq, reason: 'hash_mismatch' });
  });

  it.each([1, 2, 3, 4])('reports a sequence gap at entry %i when its seq is edited', (seq) => {
    expect(verifyChain(withEntry(chain, seq - 1, (e) => ({ ...e, seq: e.seq + 1000 })))).toEqual({
      ok: false,
      entries: 4,
      firstBrokenSeq: seq,
      reason: 'sequence_gap',
    });
  });

  it.each([1, 2, 3])('reports a sequence gap at the seq of a deleted entry (%i)', (seq) => {
    expect(verifyChain(chain.filter((e) => e.seq !== seq))).toEqual({ ok: false, entries: 3, firstBrokenSeq: seq, reason: 'sequence_gap' });
  });

  it('reports a duplicated seq as a gap after the last verified entry', () => {
    const forged = rehash({ ...chain[1]!, action: 'forged' });
    expect(verifyChain([...chain, forged])).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'sequence_gap' });
  });

  it('cannot see the newest entries deleted (truncation), but the head then differs from the one recorded before', () => {
    const truncated = verifyChain(chain.slice(0, 3));
    expect(truncated).toEqual({ ok: true, entries: 3, head: chain[2]!.hash });
    expect(truncated.ok && truncated.head).not.toBe(chain[3]!.hash);
  });

  it('reports a broken link at the next entry when an edited entry\u2019s own hash was recomputed', () => {
    const forged = withEntry(chain, 1, (e) => rehash({ ...e, actor: 'someone-else' }));
    expect(verifyChain(forged)).toEqual({ ok: false, entries: 4, firstBrokenSeq: 3, reason: 'broken_link' });
  });

  it('reports a broken link where an entry from another chain (valid on its own) was spliced in', () => {
    const otherChain = chainOf(
      inputs.map((i) => ({ ...i, action: `${i.action}.elsewhere` })),
      100,
    );
    expect(verifyChain(withEntry(chain, 2, () => otherChain[2]!))).toEqual({ ok: false, entries: 4, firstBrokenSeq: 3, reason: 'broken_link' });
  });

  it('reports a broken link when two entries are reordered by swapping their seqs and recomputing their hashes', () => {
    const swapped = chain.map((e) => (e.seq === 2 ? rehash({ ...e, seq: 3 }) : e.seq === 3 ? rehash({ ...e, seq: 2 }) : e));
    expect(verifyChain(swapped)).toEqual({ ok: false, entries: 4, firstBrokenSeq: 2, reason: 'broken_link' });
  });

  it('reports a hash mismatch rather than throwing when a stored value cannot be hashed', () => {
    const odd = withEntry(chain, 0, (e) => ({ ...e, details: { tags: new Set(['a']) } }));
    expect(verifyChain(odd)).toMatchObject({ ok: false, firstBrokenSeq: 1, reason: 'hash_mismatch' });
  });

  it('reports a sequence gap when a seq is not a number at all', () => {
    const odd = withEntry(chain, 1, (e) => ({ ...e, seq: '2' as unknown as number }));
    expect(verifyChain(odd)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: 'sequence_gap' });
  });

  // Arbitrary inputs for one subject's chain.
  const auditInput = (subject: string) =>
    fc.record(
      {
        subject: fc.constant(subject),
        actor: fc.string(),
        action: fc.string({ minLength: 1 }),
        requestId: fc.string(),
        details: fc.dictionary(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: ['subject', 'actor', 'action'] },
    );
  const chainArb = fc
    .string()
    .chain((subject) => fc.array(fc.tuple(auditInput(subject), fc.date({ noInvalidDate: true })), { minLength: 1, maxLength: 12 }))
    .map((steps) => {
      const built: AuditEntry[] = [];
      for (const [input, now] of steps) built.push(nextEntry(built.at(-1), input, now));
      return built;
    });

  it('verifies any chain built by nextEntry from arbitrary inputs, also after a JSON round trip (property)', () => {
    fc.assert(
      fc.property(chainArb, (built) => {
        expect(verifyChain(built)).toEqual({ ok: true, entries: built.length, head: built.at(-1)!.hash });
        expect(verifyChain(JSON.parse(JSON.stringify(built)) as AuditEntry[]).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  const fields = ['seq', 'at', 'subject', 'actor', 'action', 'requestId', 'details', 'prevHash', 'hash'] as const;

  it('reports any change to one entry at or before that entry (property)', () => {
    fc.assert(
      fc.property(
        chainArb,
        fc.nat(),
        fc.constantFrom(...fields),
        fc.oneof(fc.jsonValue(), fc.integer({ min: -3, max: 15 }), fc.constant(undefined)),
        (built, pick, field, value) => {
          const index = pick % built.length;
          const original = built[index]!;
          const changed = { ...original, [field]: value } as AuditEntry;
          fc.pre(canonicalJson(changed) !== canonicalJson(original));
          const result = verifyChain(withEntry(built, index, () => changed));
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.firstBrokenSeq).toBeLessThanOrEqual(original.seq);
        },
      ),
      // Each run hashes a whole chain twice: 250 runs cover every field many times over and stay
      // within the project's test timeout on a loaded machine.
      { numRuns: 250 },
    );
  });
});
