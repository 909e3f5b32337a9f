/**
 * Consent tokens: an HMAC-SHA256 signed, compact statement of a visitor's choices, kept by the
 * storefront in a first-party cookie so other endpoints can check consent without a database read.
 * Format: base64url(JSON claims) "." base64url(signature). No personal data beyond the visitor id.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Choices } from './categories';
import { splitSignedToken } from './signed-link';

export interface ConsentClaims {
  /** visitor id */
  sub: string;
  /** receipt id the token was issued for */
  rid: string;
  /** policy version */
  pv: string;
  /** analytics and marketing granted */
  a: boolean;
  m: boolean;
  /** issued at / expires at, seconds since epoch */
  iat: number;
  exp: number;
}

export type TokenCheck = { ok: true; claims: ConsentClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const sign = (payload: string, key: Uint8Array) => createHmac('sha256', key).update(payload).digest();

export function issueConsentToken(
  input: { visitorId: string; receiptId: string; policyVersion: string; choices: Choices },
  key: Uint8Array,
  now: Date,
  lifetimeDays: number,
): { token: string; claims: ConsentClaims } {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: ConsentClaims = {
    sub: input.visitorId,
    rid: input.receiptId,
    pv: input.policyVersion,
    a: input.choices.analytics,
    m: input.choices.marketing,
    iat,
    exp: iat + lifetimeDays * 86_400,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${payload}.${sign(payload, key).toString('base64url')}`, claims };
}

export function verifyConsentToken(token: string, key: Uint8Array, now: Date): TokenCheck {
  // Canonical base64url only: Buffer's decoder skips stray characters and ignores the unused bits
  // of the last one, which would let several spellings of one token verify.
  const parts = splitSignedToken(token);
  if (!parts) return { ok: false, reason: 'malformed' };
  const { body: payload, bodyBytes, signature: given } = parts;
  const expected = sign(payload, key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  let claims: ConsentClaims;
  try {
    claims = JSON.parse(bodyBytes.toString('utf8')) as ConsentClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
