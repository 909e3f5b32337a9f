/**
 * The demo shop of the local mode: static pages under scripts/demo/, served at /demo/ by the local
 * server (never part of the stack). Each page embeds the storefront kit from this same server, so a
 * newcomer sees the banner, the beacons and the request form working against the emulator.
 *
 * Pages are templates: {{API}} becomes this server's origin, {{LANG}} the page language (`?lang=en`
 * for English, Thai otherwise), {{Q}} the query that keeps the language on links, and {{NONCE}} a
 * fresh CSP nonce. Pages are sent with a strict Content-Security-Policy, so the demo also proves the
 * kit runs without inline scripts or styles other than its own nonce-carrying <style>.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/stage-config';

export const DEMO_DIR = join(REPO_ROOT, 'scripts', 'demo');
const FILE = /^[a-z0-9-]+\.(html|js|css|svg)$/;
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

const csp = (nonce: string) =>
  [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/** Serves GET/HEAD /demo and /demo/<file>; answers false for every other request. */
export function serveDemo(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (url.pathname !== '/demo' && !url.pathname.startsWith('/demo/')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (url.pathname === '/demo') {
    res.writeHead(301, { location: `/demo/${url.search}` });
    res.end();
    return true;
  }
  const name = url.pathname.slice('/demo/'.length) || 'index.html';
  const file = join(DEMO_DIR, name);
  if (!FILE.test(name) || !existsSync(file)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`No demo file ${name}`);
    return true;
  }
  const ext = name.slice(name.lastIndexOf('.') + 1);
  const headers: Record<string, string> = { 'content-type': TYPES[ext]!, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  let body = readFileSync(file, 'utf8');
  if (ext === 'html') {
    const nonce = randomBytes(16).toString('base64');
    const english = url.searchParams.get('lang') === 'en';
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    body = body
      .replaceAll('{{API}}', origin)
      .replaceAll('{{LANG}}', english ? 'en' : 'th')
      .replaceAll('{{Q}}', english ? '?lang=en' : '')
      .replaceAll('{{NONCE}}', nonce);
    headers['content-security-policy'] = csp(nonce);
    headers['referrer-policy'] = 'strict-origin-when-cross-origin';
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
