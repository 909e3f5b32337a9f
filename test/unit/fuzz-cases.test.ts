/**
 * The fuzzer's request generators: every public route gets every kind of hostile request, aimed at
 * that route. Seeds are fixed, so each sample is the same on every run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OVERSIZED_BYTES, requestsFor } from '../../scripts/lib/fuzz-cases';
import { ROUTES } from '../../shared/routes';

const PUBLIC = ROUTES.filter((r) => r.auth === 'public');
const KINDS = ['valid', 'odd-text', 'wrong-types', 'bad-json', 'invalid-utf8', 'content-type', 'odd-path', 'odd-query', 'odd-headers', 'other-method'];

// Generating the huge cases takes a while on a busy machine.
describe('fuzz request generators', { timeout: 60_000 }, () => {
  it.each(PUBLIC.map((r) => [`${r.method} ${r.path}`, r] as const))('%s gets every kind of request, aimed at its own path', (_key, route) => {
    const sample = fc.sample(requestsFor(route), { numRuns: 600, seed: 42 });
    const kinds = new Set(sample.map((r) => r.kind));
    for (const kind of KINDS) expect(kinds, kind).toContain(kind);
    const firstSegment = route.path.split('/')[2]!;
    for (const r of sample) {
      if (r.kind !== 'other-method') expect(r.method).toBe(route.method);
      if (r.kind !== 'odd-path') expect(r.path.startsWith(`/v1/${firstSegment}`), r.path.slice(0, 80)).toBe(true);
      for (const value of Object.values(r.headers)) expect(value).not.toMatch(/[\r\n]/);
    }
  });

  it('sends lone surrogates as JSON escapes and invalid UTF-8 as raw bytes in bodies', () => {
    const consent = PUBLIC.find((r) => r.id === 'captureConsent')!;
    const sample = fc.sample(requestsFor(consent), { numRuns: 3000, seed: 7 });
    expect(sample.some((r) => r.kind === 'odd-text' && /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i.test(r.body?.toString('utf8') ?? ''))).toBe(true);
    const invalid = sample.filter((r) => r.kind === 'invalid-utf8');
    expect(invalid.length).toBeGreaterThan(0);
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (const r of invalid) expect(() => strict.decode(r.body)).toThrow();
  });

  it('keeps bodies over the 10 MB limit rare', () => {
    const sample = fc.sample(requestsFor(PUBLIC[0]!), { numRuns: 4000, seed: 3 });
    const oversized = sample.filter((r) => (r.body?.length ?? 0) >= OVERSIZED_BYTES).length;
    expect(oversized).toBeLessThan(20);
  });
});
