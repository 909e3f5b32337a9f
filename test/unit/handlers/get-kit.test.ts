import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/platform/get-kit';
import { KIT_JS } from '../../../shared/storefront/kit-bundle';
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
