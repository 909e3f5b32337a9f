import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/platform/get-kit';
import { KIT_IMMUTABLE_CACHE as IMMUTABLE_CACHE } from '../../../shared/http/cache-control';
import { KIT_JS, KIT_VERSION } from '../../../shared/storefront/kit-bundle';
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
