import { describe, expect, it } from 'vitest';
import { cloudFrontLookup, ispLookup, maxmindLookup, noIspLookup, providerOfAsn, THAI_PROVIDERS, viewerAddressOf } from '../../shared/adapters/isp';
import { browserFacts, LruCache, parsedAgents } from '../../shared/adapters/user-agent';
import { buildAsnDatabase } from '../helpers/mmdb-writer';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('browser facts from the User-Agent', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      { browser: 'Chrome 130', os: 'Windows 10' },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      { browser: 'Mobile Safari 17', os: 'iOS 17.5', device: 'mobile' },
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0', { browser: 'Firefox 132', os: 'Linux' }],
  ])('parses %s', (ua, expected) => {
    expect(browserFacts(ua)).toEqual(expected);
  });

  it('records nothing it cannot tell rather than guessing', () => {
    expect(browserFacts(undefined)).toEqual({});
    expect(browserFacts('curl/8.5.0')).toEqual({});
  });

  it('keeps parsed agents in a bounded cache, answering a repeat with the same facts', () => {
    const agent = (i: number) => `Mozilla/5.0 (Linux; Android 14; SM-A${i}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36`;
    const first = browserFacts(agent(1));
    expect(first).toEqual({ browser: 'Chrome 131', os: 'Android 14', device: 'mobile' });
    for (let i = 2; i <= parsedAgents.limit * 2; i++) browserFacts(agent(i));
    expect(parsedAgents.size).toBe(parsedAgents.limit);
    expect(parsedAgents.get(agent(1))).toBeUndefined();
    expect(browserFacts(agent(1))).toEqual(first);
  });
});

describe('LruCache', () => {
  it('drops the entry used longest ago once full, and a read counts as a use', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual([1, 3, 2]);
    cache.set('a', 10);
    expect([cache.get('a'), cache.size]).toEqual([10, 2]);
  });
});

describe('internet provider', () => {
  const db = buildAsnDatabase([
    { cidr: '203.0.113.0/24', asn: 7470, organization: 'TRUE INTERNET Co.,Ltd.' },
    { cidr: '198.51.100.0/24', asn: 23969, organization: 'TOT Public Company Limited' },
  ]);

  it('looks the address up in a MaxMind-format ASN database', () => {
    const lookup = maxmindLookup(db);
    expect(lookup('203.0.113.9', {})).toEqual({ asn: 7470, isp: 'TRUE INTERNET Co.,Ltd.' });
    expect(lookup('192.0.2.1', {})).toEqual({});
    expect(lookup('not-an-ip', {})).toEqual({});
  });

  const edgeKey = 'edge-key-of-this-test-0123456789abcdef';
  const viaEdge = cloudFrontLookup(async () => Buffer.from(edgeKey));
  const fromEdge = (headers: Record<string, string>) => viaEdge('130.176.0.1', { 'x-shop-edge-key': edgeKey, ...headers });

  it('takes the ASN from CloudFront\u2019s header only when it is a plain number, naming major Thai providers and keeping other numbers', async () => {
    expect(await fromEdge({ 'cloudfront-viewer-asn': '45430' })).toEqual({ asn: 45430, isp: 'AIS (mobile)' });
    expect(await fromEdge({ 'cloudfront-viewer-asn': '7470' })).toEqual({ asn: 7470, isp: 'True Online' });
    expect(await fromEdge({ 'cloudfront-viewer-asn': '45758' })).toEqual({ asn: 45758, isp: '3BB' });
    expect(await fromEdge({ 'cloudfront-viewer-asn': '23969' })).toEqual({ asn: 23969, isp: 'NT (former TOT)' });
    expect(await fromEdge({ 'cloudfront-viewer-asn': '15169' })).toEqual({ asn: 15169 });
    expect(await fromEdge({ 'cloudfront-viewer-asn': '7470; drop table' })).toEqual({});
    expect(await fromEdge({})).toEqual({});
    for (const [asn, name] of Object.entries(THAI_PROVIDERS)) expect(providerOfAsn(asn)).toEqual({ asn: Number(asn), isp: name });
  });

  it('takes the viewer\u2019s address from CloudFront-Viewer-Address (IPv4 and IPv6), not the edge\u2019s', async () => {
    expect(await fromEdge({ 'cloudfront-viewer-address': '203.0.113.7:51324' })).toEqual({ ip: '203.0.113.7' });
    expect(await fromEdge({ 'cloudfront-viewer-address': '2001:db8::1:443' })).toEqual({ ip: '2001:db8::1' });
    expect(await fromEdge({ 'cloudfront-viewer-address': '<script>:1' })).toEqual({});
  });

  it('believes none of CloudFront\u2019s headers on a request without the edge key: a client calling the API directly cannot forge them', async () => {
    const forged = { 'cloudfront-viewer-asn': '45430', 'cloudfront-viewer-address': '192.0.2.1:1' };
    expect(await viaEdge('198.51.100.9', forged)).toEqual({});
    expect(await viaEdge('198.51.100.9', { ...forged, 'x-shop-edge-key': 'guess' })).toEqual({});
    expect(await viaEdge('198.51.100.9', { ...forged, 'x-shop-edge-key': `${edgeKey}x` })).toEqual({});
  });

  it('is what ISP_SOURCE names, and a bad configuration fails loudly', () => {
    expect(ispLookup('none')).toBe(noIspLookup); // without an edge key (local mode): nothing to check
    expect(() => ispLookup('cloudfront')).toThrow(/edge key/);
    expect(() => ispLookup('maxmind')).toThrow(/ASN_DATABASE_PATH/);
    expect(() => ispLookup('guess')).toThrow(/none, cloudfront or maxmind/);
    const file = join(mkdtempSync(join(tmpdir(), 'asn-')), 'asn.mmdb');
    writeFileSync(file, db);
    expect(ispLookup('maxmind', file)('198.51.100.20', {})).toEqual({
      asn: 23969,
      isp: 'TOT Public Company Limited',
    });
  });
});

describe('viewer address behind the edge', () => {
  const edgeKey = 'edge-key-of-this-test-0123456789abcdef';
  const key = async () => Buffer.from(edgeKey);

  it('gives the viewer\u2019s address only with the edge key, for every provider source', async () => {
    const viewer = viewerAddressOf(key);
    expect(await viewer({ 'x-shop-edge-key': edgeKey, 'cloudfront-viewer-address': '203.0.113.5:1234' })).toBe('203.0.113.5');
    expect(await viewer({ 'cloudfront-viewer-address': '203.0.113.5:1234' })).toBeUndefined();
    const none = ispLookup('none', undefined, key);
    expect(
      await none('130.176.0.1', { 'x-shop-edge-key': edgeKey, 'cloudfront-viewer-address': '203.0.113.5:1234', 'cloudfront-viewer-asn': '45430' }),
    ).toEqual({
      ip: '203.0.113.5',
    });
    expect(await none('198.51.100.1', { 'cloudfront-viewer-address': '203.0.113.5:1234' })).toEqual({});
  });
});
