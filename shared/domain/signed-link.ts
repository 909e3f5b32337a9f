/**
 * Signed link tokens for mail: request confirmation, status, unsubscribe, privacy-center sign-in (and
 * the session a used sign-in link turns into). HMAC-SHA256 over a small
 * JSON payload that names its purpose, so a token made for one purpose never works for another.
 * Payloads carry ids, never an e-mail address in clear.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'request' | 'unsubscribe' | 'export' | 'center-sign-in' | 'center-session';

export type LinkCheck<T> = { ok: true; payload: T } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_purpose' };

const mac = (data: string, key: Uint8Array) => createHmac('sha256', key).update(data).digest();

/**
 * Decodes base64url only in its canonical spelling. The last character of a text whose length is not
 * a multiple of 4 carries unused bits that Node's decoder ignores, so several spellings give the same
 * bytes; a signed token must have exactly one (the one its signer wrote), or a token could be replayed
 * under another name. Re-encoding and comparing catches those and any stray character alike.
 */
export function decodeCanonicalBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Both segments of `<base64url body>.<base64url 32-byte MAC>`, decoded, or undefined when not canonical. */
export function splitSignedToken(token: string): { body: string; bodyBytes: Buffer; signature: Buffer } | undefined {
  const match = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return undefined;
  const [, body = '', sig = ''] = match;
  const bodyBytes = decodeCanonicalBase64url(body);
  const signature = decodeCanonicalBase64url(sig);
  return bodyBytes && signature ? { body, bodyBytes, signature } : undefined;
}

export function signLink<T extends object>(purpose: LinkPurpose, payload: T, key: Uint8Array, expiresAt?: Date): string {
  const body = Buffer.from(JSON.stringify({ p: purpose, ...(expiresAt ? { exp: Math.floor(expiresAt.getTime() / 1000) } : {}), d: payload })).toString(
    'base64url',
  );
  return `${body}.${mac(`${purpose}.${body}`, key).toString('base64url')}`;
}

export function verifyLink<T>(purpose: LinkPurpose, token: string, key: Uint8Array, now: Date): LinkCheck<T> {
  const parts = splitSignedToken(token);
  if (!parts) return { ok: false, reason: 'malformed' };
  const { body, bodyBytes, signature: given } = parts;
  let decoded: { p?: string; exp?: number; d?: T };
  try {
    decoded = JSON.parse(bodyBytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // The purpose is part of the MAC input, so a token of another purpose fails the signature too;
  // checking it first gives the clearer reason.
  if (decoded?.p !== purpose) return { ok: false, reason: 'wrong_purpose' };
  const expected = mac(`${purpose}.${body}`, key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  if (decoded.exp !== undefined && decoded.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  if (decoded.d === undefined) return { ok: false, reason: 'malformed' };
  return { ok: true, payload: decoded.d };
}
