import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/platform/get-kit';
import { KIT_IMMUTABLE_CACHE as IMMUTABLE_CACHE } from '../../../shared/http/cache-control';
import { KIT_JS, KIT_VERSION } from '../../../shared/storefront/kit-bundle';
import { kitSize } from '../../../scripts/lib/kit-size';
import { acceptsBrotli } from '../../../shared/storefront/kit-encoding';
import { apiEvent, invoke } from '../../helpers/events';

describe('get-kit', () => {
  it('answers the minified kit as JavaScript, cacheable for 5 minutes and loadable by any storefront origin', async () => {
    const res = await invoke(handler, apiEvent('get-policy'));
    expect(res.status).toBe(200);
    expect(res.text).toBe(KIT_JS);
    expect(res.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
    });
  });
});

describe('get-kit, versioned', () => {
  it('lets browsers and the CDN keep ?v=<KIT_VERSION> for a year, and gives any other version today\u2019s kit for 5 minutes only', async () => {
    const current = apiEvent('get-policy');
    current.queryStringParameters = { v: KIT_VERSION };
    const res = await invoke(handler, current);
    expect(res.text).toBe(KIT_JS);
    expect(res.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect(IMMUTABLE_CACHE).toMatch(/max-age=31536000.*immutable/);

    const outdated = apiEvent('get-policy');
    outdated.queryStringParameters = { v: '0000000000000000' };
    const old = await invoke(handler, outdated);
    expect(old.text).toBe(KIT_JS);
    expect(old.headers['cache-control']).toBe('public, max-age=300');
  });
});

describe('get-kit, compressed', () => {
  it('answers brotli (the same kit, fewer bytes than gzip) where Accept-Encoding allows it, plain otherwise, varying on Accept-Encoding', async () => {
    const event = apiEvent('get-policy');
    event.queryStringParameters = { v: KIT_VERSION };
    event.headers = { ...event.headers, 'accept-encoding': 'br,gzip' };
    const res = (await handler(event as never, {} as never)) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
      isBase64Encoded?: boolean;
    };
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-encoding': 'br', vary: 'accept-encoding', 'cache-control': IMMUTABLE_CACHE });
    expect(res.isBase64Encoded).toBe(true);
    const bytes = Buffer.from(res.body, 'base64');
    expect(brotliDecompressSync(bytes).toString('utf8')).toBe(KIT_JS);
    expect(bytes.length).toBeLessThan(kitSize().gzipped);
    expect(bytes.length).toBe(kitSize().brotli);

    const plain = apiEvent('get-policy');
    plain.headers = { ...plain.headers, 'accept-encoding': 'gzip' };
    const text = await invoke(handler, plain);
    expect(text.text).toBe(KIT_JS);
    expect(text.headers['content-encoding']).toBeUndefined();
    expect(text.headers.vary).toBe('accept-encoding');
  });

  it('reads Accept-Encoding as HTTP does: br with any q above 0, in any case and position', () => {
    expect(['br', 'gzip, br', 'BR;q=0.5', 'gzip;q=1.0, br;q=0.1'].map(acceptsBrotli)).toEqual([true, true, true, true]);
    expect(['', 'gzip, deflate', 'br;q=0', 'brotli', undefined].map(acceptsBrotli)).toEqual([false, false, false, false, false]);
  });
});
