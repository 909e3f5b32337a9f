/** A small HTTP client for tests against the local server: JSON in, status + parsed body out. */
import type { Json } from './json';

export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

export function httpClient(baseUrl: () => string, defaults: { headers?: Record<string, string>; stringBodyType?: string } = {}) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const contentType: Record<string, string> =
      body === undefined ? {} : { 'content-type': typeof body === 'string' ? (defaults.stringBodyType ?? 'application/json') : 'application/json' };
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...contentType, ...defaults.headers, ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: Json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, body: json, text };
  };
}
