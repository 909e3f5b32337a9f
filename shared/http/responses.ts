/** Response builders, so handlers return data and never hand-build headers. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

export const ok = (body: unknown, headers?: Record<string, string>) => json(200, body, headers);
export const created = (body: unknown, headers?: Record<string, string>) => json(201, body, headers);

/** HTML pages (confirmation links opened from mail): inline styles only, forms post back to this API. */
export const html = (statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ...headers,
  },
  body,
});

export const redirect = (location: string): HttpResult => ({ statusCode: 302, headers: { location }, body: '' });

/** Whether a browser (rather than a program) asked: it gets a page instead of JSON. */
export const wantsHtml = (headers: Record<string, string | undefined>) => (headers.accept ?? '').includes('text/html');
