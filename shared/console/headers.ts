/**
 * The console's security headers, one source for both places that serve it: the local server
 * (scripts/lib/console-serve.ts) and CloudFront's response-headers policy
 * (infra/constructs/console-site.ts). The CSP allows scripts and styles from the console's own origin
 * only (no inline script or style), and connections to the console's origin (API) and Cognito.
 */
export function consoleCsp(connect: string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export const CONSOLE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** Where Cognito's JSON API answers in a region. */
export const cognitoEndpointOf = (region: string) => `https://cognito-idp.${region}.amazonaws.com/`;
