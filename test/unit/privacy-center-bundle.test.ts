import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CENTER_BUNDLE_FILE, renderCenterBundle } from '../../scripts/build-kit';
import { KIT_JS } from '../../shared/storefront/kit-bundle';
import { PRIVACY_CENTER_JS } from '../../shared/storefront/privacy-center-bundle';

describe('privacy center bundle', () => {
  it('is committed in its current form (run `npm run build:kit` after changing shared/storefront/privacy-center.ts)', async () => {
    expect(readFileSync(CENTER_BUNDLE_FILE, 'utf8')).toBe(await renderCenterBundle());
  });

  it('is a classic, pure-ASCII script, as the kit loads it with a plain <script src>', () => {
    expect(() => new Script(PRIVACY_CENTER_JS, { filename: 'privacy-center.js' })).not.toThrow();
    expect([...PRIVACY_CENTER_JS].every((char) => char.charCodeAt(0) < 0x80)).toBe(true);
  });

  it('is not part of the kit every page loads: the kit only names its URL', () => {
    expect(KIT_JS).toContain('/v1/privacy-center.js');
    expect(KIT_JS).not.toContain('/v1/privacy-center/sessions');
    expect(gzipSync(PRIVACY_CENTER_JS, { level: 9 }).length).toBeLessThan(8 * 1024);
  });
});
