import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { checkPolicyPlaceholder, KIT_BUNDLE_FILE, POLICY_PLACEHOLDER, renderKitBundle } from '../../scripts/build-kit';
import { kitSize } from '../../scripts/lib/kit-size';
import { KIT_JS, KIT_POLICY_PLACEHOLDER } from '../../shared/storefront/kit-bundle';

describe('storefront kit bundle', () => {
  it('is committed in its current form (run `npm run build:kit` after changing shared/storefront/kit.ts)', async () => {
    expect(readFileSync(KIT_BUNDLE_FILE, 'utf8')).toBe(await renderKitBundle());
  });

  it('is a classic script (an IIFE without import or export), as a plain <script src> needs', () => {
    expect(() => new Script(KIT_JS, { filename: 'kit.js' })).not.toThrow();
    expect(KIT_JS).toMatch(/^"use strict";\(\(\)=>\{/);
  });

  it('leaves exactly one free name where its function puts the policy in force, and the build refuses a bundle with none or two', () => {
    expect(KIT_POLICY_PLACEHOLDER).toBe(POLICY_PLACEHOLDER);
    expect(KIT_JS.split(KIT_POLICY_PLACEHOLDER)).toHaveLength(2);
    expect(() => checkPolicyPlaceholder('(()=>{var p=null})();')).toThrow(/0 policy placeholders/);
    expect(() => checkPolicyPlaceholder(`(()=>{var p=${POLICY_PLACEHOLDER}!=null?${POLICY_PLACEHOLDER}:void 0})();`)).toThrow(/2 policy placeholders/);
  });

  it('is pure ASCII (Thai as \\u escapes), so it reads right whatever charset a page or a self-hosted copy declares', () => {
    expect([...KIT_JS].every((char) => char.charCodeAt(0) < 0x80)).toBe(true);
    expect(KIT_JS).toContain('\\u0E04\\u0E38\\u0E01\\u0E01\\u0E35\\u0E49'); // คุกกี้
  });

  it('stays within its weight budget with a policy inside: under 12 KB gzipped', () => {
    const { minified, gzipped } = kitSize();
    expect(minified).toBeGreaterThan(Buffer.byteLength(KIT_JS));
    expect(gzipped).toBeLessThan(12 * 1024);
    expect(gzipped).toBeLessThan(minified);
  });
});
