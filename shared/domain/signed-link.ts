/**
 * Signed link tokens for mail: request confirmation, status, unsubscribe. HMAC-SHA256 over a small
 * JSON payload that names its purpose, so a token made for one purpose never works for another.
 * Payloads carry ids, never an e-mail address in clear.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'request' | 'unsubscribe' | 'export';

export type LinkCheck<T> = { ok: true; payload: T } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_purpose' };

const mac = (data: string, key: Uint8Array) => createHmac('sha256', key).update(data).digest();

export function signLink<T extends object>(purpose: LinkPurpose, payload: T, key: Uint8Array, expiresAt?: Date): string {
  const body = Buffer.from(JSON.stringify({ p: purpose, ...(expiresAt ? { exp: Math.floor(expiresAt.getTime() / 1000) } : {}), d: payload })).toString(
    'base64url',
  );
  return `${body}.${mac(`${purpose}.${body}`, key).toString('base64url')}`;
}

export function verifyLink<T>(purpose: LinkPurpose, token: string, key: Uint8Array, now: Date): LinkCheck<T> {
  const match = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, body = '', signature = ''] = match;
  let decoded: { p?: string; exp?: number; d?: T };
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // The purpose is part of the MAC input, so a token of another purpose fails the signature too;
  // checking it first gives the clearer reason.
  if (decoded?.p !== purpose) return { ok: false, reason: 'wrong_purpose' };
  const expected = mac(`${purpose}.${body}`, key);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  if (decoded.exp !== undefined && decoded.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  if (decoded.d === undefined) return { ok: false, reason: 'malformed' };
  return { ok: true, payload: decoded.d };
}
