import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, kitPolicyVersion, launchChromium } from '../helpers/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { serveDemo } from '../../scripts/lib/demo';
import { startLocalServer } from '../../scripts/lib/local-server';
import { staffHeaders } from '../helpers/staff-auth';

/** Generous for a loaded 2-core machine; tests await the element that proves a state. */
const UI_TIMEOUT_MS = 60_000;

const settings = stageFromCdkJson('local');
let server: Awaited<ReturnType<typeof startLocalServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0, extra: async (req, res, url) => serveDemo(req, res, url) });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
};

async function newPage(path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'th-TH' });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  return { context, page };
}

const SUMMARY = {
  th: 'เราเริ่มใช้คุกกี้วิเคราะห์ของผู้ให้บริการรายใหม่ และเก็บข้อมูลการเข้าชมสั้นลงเหลือ 180 วัน',
  en: 'We now use a new provider for analytics cookies and keep visit data for 180 days instead of 395.',
};

/** Publishes a version in force now (after any already published) and waits until the kit carries it. */
async function publishInForce(changes: string[], summary?: unknown) {
  const version = `pc-${randomUUID().slice(0, 8)}`;
  const latest = Math.max(
    ...(await call('GET', '/v1/admin/policies', undefined, await staffHeaders('staff'))).body.items.map((v: { effectiveAt: string }) =>
      Date.parse(v.effectiveAt),
    ),
  );
  const published = await call(
    'POST',
    '/v1/admin/policies',
    {
      version,
      effectiveAt: new Date(Math.max(Date.now() - 1_000, latest + 1)).toISOString(),
      url: `https://shop.example.com/privacy-policy/${version}`,
      sha256: 'c'.repeat(64),
      changes,
      ...(summary ? { summary } : {}),
    },
    await staffHeaders('dpo'),
  );
  expect(published.status).toBe(201);
  await expect.poll(() => kitPolicyVersion(server.url), { timeout: 30_000, interval: 500 }).toBe(version);
  return version;
}

describe('policy changes announced', () => {
  it('serves the change summary of the version in force in both languages, and refuses a summary in neither', async () => {
    const version = await publishInForce(['analytics'], SUMMARY);
    expect((await call('GET', '/v1/policy')).body).toMatchObject({ version, summary: SUMMARY });
    const empty = await call(
      'POST',
      '/v1/admin/policies',
      {
        version: `pc-${randomUUID().slice(0, 8)}`,
        effectiveAt: new Date(Date.now() + 86_400_000).toISOString(),
        url: 'https://shop.example.com/privacy-policy/x',
        sha256: 'd'.repeat(64),
        changes: [],
        summary: {},
      },
      await staffHeaders('dpo'),
    );
    expect(empty.status).toBe(400);
  });

  it.each([
    ['/demo/', SUMMARY.th, SUMMARY.en],
    ['/demo/?lang=en', SUMMARY.en, SUMMARY.th],
  ])('says in the renewal banner of %s what the new version changed, in the page\u2019s language', async (path, shown, hidden) => {
    const { context, page } = await newPage(path);
    const banner = page.locator('[data-shop-privacy="banner"]');
    await banner.waitFor({ state: 'visible' });
    const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/consents' && r.request().method() === 'POST');
    await page.locator('[data-action="accept"]').click();
    await posted;
    await banner.waitFor({ state: 'detached' });

    await publishInForce(['analytics'], SUMMARY);
    // The kit's answer, with the policy inside, is cacheable for 5 minutes: the visitor comes back after that (an emptied cache).
    await (await context.newCDPSession(page)).send('Network.clearBrowserCache');
    await page.reload();
    await banner.waitFor({ state: 'visible' });
    expect(await banner.getAttribute('data-renew')).toBe('analytics');
    expect(await banner.locator('[data-shop-privacy="changes"]').textContent()).toBe(shown);
    expect(await banner.textContent()).not.toContain(hidden);
    await context.close();
  });

  it('lists every version on the public page with its date, summary and SHA-256, passing WCAG 2.2 AA checks', async () => {
    const version = await publishInForce([], { th: 'แก้ไขถ้อยคำให้ชัดเจนขึ้น', en: 'Clearer wording; nothing else changed.' });
    const all = (await call('GET', '/v1/policy/versions', undefined, { accept: 'application/json' })).body;
    expect(all.current).toBe(version);
    expect(all.items.map((v: { version: string }) => v.version)).toEqual(expect.arrayContaining([settings.policy.version, version]));

    // The page's CSP forbids inline scripts (rightly); this context bypasses it to inject axe.
    const context = await browser.newContext({ locale: 'th-TH', bypassCSP: true });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    const page = await context.newPage();
    const answer = await page.goto(`${server.url}/v1/policy/versions`);
    expect(answer?.headers()['content-security-policy']).toContain("default-src 'none'");
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(all.items.length);
    const newest = rows.first();
    expect(await newest.locator('th a').textContent()).toBe(version);
    expect(await newest.textContent()).toContain('Clearer wording; nothing else changed.');
    expect(await newest.textContent()).toContain('แก้ไขถ้อยคำให้ชัดเจนขึ้น');
    expect(await newest.textContent()).toContain('in force');
    for (const item of all.items as { version: string; sha256: string }[]) {
      expect(await page.locator('tbody tr', { hasText: item.version }).locator('code').textContent()).toBe(item.sha256);
    }
    expect(await page.locator('tbody tr', { hasText: settings.policy.version }).locator('time').getAttribute('datetime')).toBe(settings.policy.effectiveAt);
    expect(await axeViolations(page, 'main')).toEqual([]);
    await context.close();
  });
});
