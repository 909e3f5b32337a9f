/**
 * The viewer behind CloudFront: a request that carries the stack's edge key (`x-shop-edge-key`,
 * added by the distribution as an origin header and unknown to browsers) came through the
 * distribution, so its `CloudFront-Viewer-Address` is believed. Apart from the ISP lookups (isp.ts)
 * so that a handler needing only the viewer's address does not bundle the ASN database reader.
 */
import { timingSafeEqual } from 'node:crypto';
import type { SigningKey } from '../domain/ports';

/** The header CloudFront adds with the edge key; browsers never see its value. */
export const EDGE_KEY_HEADER = 'x-shop-edge-key';

/** `CloudFront-Viewer-Address` is `<ip>:<port>` (IPv6 without brackets): the address is all before the last colon. */
export function viewerAddress(raw: string | undefined): string | undefined {
  const at = raw?.lastIndexOf(':') ?? -1;
  const ip = at > 0 ? raw!.slice(0, at) : undefined;
  return ip && /^[0-9A-Fa-f.:]{2,45}$/.test(ip) ? ip : undefined;
}

/** Whether the sent header value is the edge key, compared in constant time. */
export const sameKey = (sent: string | undefined, key: Uint8Array) => {
  if (!sent) return false;
  const bytes = Buffer.from(sent, 'utf8');
  return bytes.length === key.length && timingSafeEqual(bytes, key);
};

/**
 * The viewer's address as CloudFront reports it, for a request that proves it came through the
 * stack's distribution (the edge key); undefined otherwise (a direct call: its connection's address
 * is the viewer's). Every storefront route behind the edge needs this: API Gateway sees CloudFront.
 */
export function viewerAddressOf(edgeKey: SigningKey) {
  return async (headers: Record<string, string | undefined>): Promise<string | undefined> =>
    // No key sent: a direct call, answered without reading the secret.
    headers[EDGE_KEY_HEADER] && sameKey(headers[EDGE_KEY_HEADER], await edgeKey()) ? viewerAddress(headers['cloudfront-viewer-address']) : undefined;
}

/**
 * For a function CloudFront calls at its Lambda function URL (a route's `edgeOrigin`): whether a
 * request carries the stack's edge key, i.e. came through the distribution. The URL itself is
 * public (its auth is NONE: CloudFront's origin access control would need a body hash header that
 * navigator.sendBeacon cannot send), so this check is what keeps direct calls out.
 */
export function cameThroughEdge(edgeKey: SigningKey) {
  return async (headers: Record<string, string | undefined>): Promise<boolean> =>
    // No key sent: refused without reading the secret.
    Boolean(headers[EDGE_KEY_HEADER]) && sameKey(headers[EDGE_KEY_HEADER], await edgeKey());
}
