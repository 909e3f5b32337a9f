/**
 * Signed tokens have exactly one spelling. A base64url text whose length is not a multiple of 4 ends
 * in a character with unused low bits; Node's decoder ignores them, so up to 16 spellings decode to
 * the same bytes. Every verifier must accept only the canonical one (the one the signer wrote).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issueConsentToken, verifyConsentToken } from '../../../shared/domain/consent-token';
import { signLink, verifyLink, type LinkPurpose } from '../../../shared/domain/signed-link';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const now = new Date('2026-11-25T00:00:00Z');

/** Every other spelling of one dot-separated segment that decodes to the same bytes. */
function otherSpellings(token: string, segment: number): string[] {
  const parts = token.split('.');
  const text = parts[segment]!;
  const bytes = Buffer.from(text, 'base64url');
  return [...ALPHABET]
    .filter((c) => c !== text.at(-1))
    .map((c) => text.slice(0, -1) + c)
    .filter((other) => Buffer.from(other, 'base64url').equals(bytes))
    .map((other) => parts.map((p, i) => (i === segment ? other : p)).join('.'));
}

const keyArb = fc.uint8Array({ minLength: 32, maxLength: 64 });

describe('signed tokens accept only their canonical encoding', () => {
  it('has other spellings to test: the 32-byte signature leaves 2 unused bits (3 more spellings)', () => {
    const { token } = issueConsentToken(
      { visitorId: 'v-0123456789', receiptId: 'r', policyVersion: '2024-01', choices: { necessary: true, analytics: true, marketing: false } },
      Buffer.alloc(32, 7),
      now,
      1,
    );
    expect(otherSpellings(token, 1)).toHaveLength(3);
  });

  it('rejects every non-canonical spelling of a consent token, in either segment (property)', () => {
    fc.assert(
      fc.property(keyArb, fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/), fc.string({ maxLength: 20 }), fc.boolean(), (key, visitorId, rid, analytics) => {
        const { token } = issueConsentToken(
          { visitorId, receiptId: rid, policyVersion: '2024-01', choices: { necessary: true, analytics, marketing: false } },
          key,
          now,
          30,
        );
        expect(verifyConsentToken(token, key, now).ok).toBe(true);
        for (const other of [...otherSpellings(token, 0), ...otherSpellings(token, 1)]) {
          expect(verifyConsentToken(other, key, now).ok).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every non-canonical spelling of a mailed link token, in either segment (property)', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.constantFrom<LinkPurpose>('request', 'unsubscribe', 'export'),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
        (key, purpose, payload) => {
          const token = signLink(purpose, payload, key, new Date(now.getTime() + 86_400_000));
          expect(verifyLink(purpose, token, key, now).ok).toBe(true);
          for (const other of [...otherSpellings(token, 0), ...otherSpellings(token, 1)]) {
            expect(verifyLink(purpose, other, key, now).ok).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
