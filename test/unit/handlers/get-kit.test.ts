import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { runInNewContext, Script } from 'node:vm';
import { brotliDecompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as getPolicy } from '../../../functions/consent/get-policy';
import { handler, makeHandler } from '../../../functions/platform/get-kit';
import { policyCatalogue } from '../../../shared/adapters/wiring/policies';
import { KIT_IMMUTABLE_CACHE as IMMUTABLE_CACHE } from '../../../shared/http/cache-control';
import { KIT_JS, KIT_POLICY_PLACEHOLDER, KIT_VERSION } from '../../../shared/storefront/kit-bundle';
import { kitSize } from '../../../scripts/lib/kit-size';
import { acceptsBrotli } from '../../../shared/storefront/kit-encoding';
import { apiEvent, invoke, lambdaContext } from '../../helpers/events';

const db = mockClient(DynamoDBDocumentClient);
beforeEach(() => db.on(QueryCommand).resolves({ Items: [] }));
afterEach(() => db.reset());

const [BEFORE, AFTER] = KIT_JS.split(KIT_POLICY_PLACEHOLDER) as [string, string];
/** The text the answer put where the built kit has its placeholder. */
const carriedText = (code: string) => {
  expect(code.startsWith(BEFORE) && code.endsWith(AFTER)).toBe(true);
  return code.slice(BEFORE.length, code.length - AFTER.length);
};
/** What the kit sees at run time: the carried text evaluated as the script's expression. */
const carried = (code: string) => runInNewContext(`(${carriedText(code)})`) as unknown;

const kitEvent = (query?: Record<string, string>, acceptEncoding?: string) => {
  const event = apiEvent('get-policy', acceptEncoding ? { headers: { 'accept-encoding': acceptEncoding } } : {});
  if (query) event.queryStringParameters = query;
  return event;
};
type RawAnswer = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded?: boolean };
const raw = async (h: typeof handler, event: ReturnType<typeof kitEvent>) => (await h(event as never, lambdaContext)) as RawAnswer;

const published = (version: string, summary?: unknown) => ({
  pk: 'POLICY',
  sk: version,
  version,
  effectiveAt: '2026-01-01T00:00:00.000Z',
  url: `https://shop.example.com/privacy-policy/${version}`,
  sha256: 'b'.repeat(64),
  changes: ['marketing'],
  ...(summary ? { summary } : {}),
});
/** A handler whose policies are read fresh on every request (no per-container cache), as the tests change them. */
const freshHandler = () => makeHandler({ policies: policyCatalogue(0), clock: { now: () => new Date('2026-11-26T00:00:00.000Z') } });

describe('get-kit', () => {
  it('answers the kit carrying the policy in force exactly as GET /v1/policy answers it, cacheable for 5 minutes and loadable by any storefront origin', async () => {
    const res = await invoke(handler, kitEvent());
    expect(res.status).toBe(200);
    const policy = await invoke(getPolicy, apiEvent('get-policy'));
    expect(policy.body).toMatchObject({ version: '2024-01' });
    expect(carried(res.text)).toEqual(policy.body);
    expect(() => new Script(res.text, { filename: 'kit.js' })).not.toThrow();
    expect(res.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
    });
  });

  it('puts hostile text of a summary in as inert script text: no </script>, no raw U+2028/2029, no $ replacement patterns, pure ASCII', async () => {
    const hostile = {
      th: "นโยบายใหม่ </script><script>alert(1)</script> <!-- \u2028\u2029 $& $' $` $$ 😀",
      en: `"}); alert(2); ({" ${KIT_POLICY_PLACEHOLDER} \\u2028 & > <`,
    };
    db.on(QueryCommand).resolves({ Items: [published('2026-11', hostile)] });
    const { text } = await invoke(freshHandler(), kitEvent());
    const inserted = carriedText(text);
    expect(inserted).not.toMatch(/[<>&\u2028\u2029]/);
    expect([...text].every((char) => char.charCodeAt(0) < 0x80)).toBe(true);
    expect(carried(text)).toMatchObject({ version: '2026-11', summary: hostile });
    expect(() => new Script(text, { filename: 'kit.js' })).not.toThrow();
  });

  it('answers ?v=<KIT_VERSION> for a year and without a policy (the kit then asks GET /v1/policy); any other version gets today\u2019s kit with the policy for 5 minutes', async () => {
    const current = await invoke(handler, kitEvent({ v: KIT_VERSION }));
    expect(current.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect(IMMUTABLE_CACHE).toMatch(/max-age=31536000.*immutable/);
    expect(carriedText(current.text)).toBe('null');

    const old = await invoke(handler, kitEvent({ v: '0000000000000000' }));
    expect(old.headers['cache-control']).toBe('public, max-age=300');
    expect(carried(old.text)).toMatchObject({ version: '2024-01' });
  });

  it('carries a new policy version in the next answer once it is in force, plain and brotli alike', async () => {
    const kit = freshHandler();
    const decoded = async () => {
      const res = await raw(kit, kitEvent(undefined, 'br'));
      expect(res.headers['content-encoding']).toBe('br');
      return brotliDecompressSync(Buffer.from(res.body, 'base64')).toString('utf8');
    };
    expect(carried(await decoded())).toMatchObject({ version: '2024-01' });
    db.on(QueryCommand).resolves({ Items: [published('2026-11', { th: 'ใหม่', en: 'New' })] });
    expect(carried(await decoded())).toMatchObject({ version: '2026-11', changes: ['marketing'], summary: { th: 'ใหม่', en: 'New' } });
    expect(carried((await invoke(kit, kitEvent())).text)).toMatchObject({ version: '2026-11' });
  });

  it('still answers the kit, without a policy, when the policy store cannot be read (the kit then asks GET /v1/policy)', async () => {
    db.on(QueryCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    const res = await invoke(freshHandler(), kitEvent());
    expect(res.status).toBe(200);
    expect(carriedText(res.text)).toBe('null');
  });
});

describe('get-kit, compressed', () => {
  it('answers brotli (the same kit, fewer bytes than gzip) where Accept-Encoding allows it, plain otherwise, varying on Accept-Encoding', async () => {
    const res = await raw(handler, kitEvent(undefined, 'br,gzip'));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-encoding': 'br', vary: 'accept-encoding', 'cache-control': 'public, max-age=300' });
    expect(res.isBase64Encoded).toBe(true);
    const bytes = Buffer.from(res.body, 'base64');
    const plain = await invoke(handler, kitEvent(undefined, 'gzip'));
    expect(brotliDecompressSync(bytes).toString('utf8')).toBe(plain.text);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(bytes.length).toBeLessThan(kitSize(null).gzipped);

    const versioned = await raw(handler, kitEvent({ v: KIT_VERSION }, 'br'));
    expect(versioned.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect(Buffer.from(versioned.body, 'base64').length).toBe(kitSize(null).brotli);
  });

  it('reads Accept-Encoding as HTTP does: br with any q above 0, in any case and position', () => {
    expect(['br', 'gzip, br', 'BR;q=0.5', 'gzip;q=1.0, br;q=0.1'].map(acceptsBrotli)).toEqual([true, true, true, true]);
    expect(['', 'gzip, deflate', 'br;q=0', 'brotli', undefined].map(acceptsBrotli)).toEqual([false, false, false, false, false]);
  });
});
