import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDemo } from '../../../scripts/lib/demo';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (!serveDemo(req, res, url)) {
      res.writeHead(418);
      res.end('not the demo');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('demo shop (local mode)', () => {
  it('serves index.html at /demo/ with the kit pointed at this server and a CSP whose nonce the page uses', async () => {
    const res = await fetch(`${base}/demo/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await res.text();
    expect(page).toContain(`<script src="${base}/v1/kit.js" data-api="${base}" data-lang="th"`);
    expect(page).not.toContain('{{');
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(page).toContain(`nonce="${nonce}"`);
    expect(page).toContain('href="/v1/openapi.json"');
    expect(page).toContain('npm run outbox');
  });

  it('switches the page and the kit to English with ?lang=en, keeping it on links', async () => {
    const page = await (await fetch(`${base}/demo/product.html?lang=en`)).text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('data-lang="en"');
    expect(page).toContain('href="privacy.html?lang=en"');
  });

  it('serves the request form page and the demo script, and redirects /demo to /demo/', async () => {
    expect(await (await fetch(`${base}/demo/privacy.html`)).text()).toContain('<div data-shop-privacy-request-form></div>');
    expect((await fetch(`${base}/demo/demo.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const redirect = await fetch(`${base}/demo?lang=en`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/demo/?lang=en');
  });

  it('answers 404 for unknown or traversing names and leaves other paths and methods to the API', async () => {
    expect((await fetch(`${base}/demo/missing.html`)).status).toBe(404);
    expect((await fetch(`${base}/demo/%2e%2e%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/demo/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/v1/health`)).status).toBe(418);
    expect((await fetch(`${base}/demo/`, { method: 'POST' })).status).toBe(418);
  });
});
