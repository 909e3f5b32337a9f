import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issueConsentToken, verifyConsentToken } from '../../../shared/domain/consent-token';

const key = Buffer.from('k'.repeat(40));
const now = new Date('2026-11-25T00:00:00Z');
const input = {
  visitorId: 'v-0123456789',
  receiptId: 'r-1',
  policyVersion: '2024-01',
  choices: { necessary: true as const, analytics: true, marketing: false },
};

describe('consent token', () => {
  it('verifies a token it issued and carries the choices', () => {
    const { token } = issueConsentToken(input, key, now, 180);
    const check = verifyConsentToken(token, key, now);
    expect(check).toMatchObject({ ok: true, claims: { sub: 'v-0123456789', a: true, m: false, pv: '2024-01', rid: 'r-1' } });
  });

  it('rejects a token signed with another key', () => {
    const { token } = issueConsentToken(input, Buffer.from('x'.repeat(40)), now, 180);
    expect(verifyConsentToken(token, key, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a token whose claims were edited to grant marketing', () => {
    const { token } = issueConsentToken(input, key, now, 180);
    const [payload, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, m: true })).toString('base64url')}.${sig}`;
    expect(verifyConsentToken(forged, key, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a token with characters outside the base64url alphabet', () => {
    const { token } = issueConsentToken(input, key, now, 180);
    expect(verifyConsentToken(`${token.slice(0, 5)}!${token.slice(5)}`, key, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects an expired token', () => {
    const { token } = issueConsentToken(input, key, now, 1);
    expect(verifyConsentToken(token, key, new Date(now.getTime() + 86_400_000 + 1000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('never accepts an arbitrary string or a mutated token (property)', () => {
    const { token } = issueConsentToken(input, key, now, 180);
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(verifyConsentToken(s, key, now).ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (at, ch) => {
        fc.pre(token[at] !== ch);
        const mutated = token.slice(0, at) + ch + token.slice(at + 1);
        // A changed character can only be accepted where base64url decoding ignores it (the spare
        // low bits of a final character): then the signed bytes are exactly the same.
        const decode = (t: string) => t.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex'));
        if (verifyConsentToken(mutated, key, now).ok) expect(decode(mutated)).toEqual(decode(token));
      }),
    );
  });
});
