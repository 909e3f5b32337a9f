/**
 * Third-party scripts under consent (policy 3), in Chromium on the demo shop: its pages embed a fake
 * marketing tag (`type="text/plain" data-shop-privacy-category="marketing"`, served locally: it sets a
 * cookie and loads a pixel) and a gated iframe. Every request the page makes is recorded by Playwright,
 * so "nothing left the page" is read from the browser itself.
 */
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoBrowser, kitPolicyVersion, startDemoBrowser } from '../helpers/browser';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';

let demo: DemoBrowser;
beforeAll(async () => {
  demo = await startDemoBrowser();
});
afterAll(async () => {
  await demo?.close();
});

const THIRD_PARTY = /\/demo\/fake-(tracker\.js|pixel\.svg|video\.svg)/;

type GtagWindow = Window & { gtagCalls?: unknown[][]; gtag?: (...args: unknown[]) => void };

/**
 * A page in a fresh context, with every third-party request it makes (frames included) noted in order;
 * with `gtag`, the page also has a Google tag stub that records the Consent Mode calls it gets.
 */
async function openTracked(path: string, gtag = false): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
  const context = await demo.newContext();
  if (gtag)
    await context.addInitScript(() => {
      const w = window as GtagWindow;
      w.gtagCalls = [];
      w.gtag = (...args: unknown[]) => w.gtagCalls!.push(args);
    });
  const requests: string[] = [];
  context.on('request', (r) => {
    if (THIRD_PARTY.test(r.url())) requests.push(new URL(r.url()).pathname);
  });
  const page = await context.newPage();
  await page.goto(`${demo.url}${path}`);
  return { context, page, requests };
}

const settingsButton = (page: Page) => page.locator('[data-shop-privacy="settings-button"]');
const consentPosted = (page: Page) => page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/consents' && r.request().method() === 'POST');
type Waiting = Window & { consentApplied?: Promise<void> };
/**
 * Arms, in the page, a promise of the kit's next `shopprivacy:consent` event (dispatched after the
 * cookie clean-up and gating); the returned function awaits it.
 */
async function armConsentApplied(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(() => {
    (window as Waiting).consentApplied = new Promise<void>((resolve) => addEventListener('shopprivacy:consent', () => resolve(), { once: true }));
  });
  return () => page.evaluate(() => (window as Waiting).consentApplied);
}
const trackerRuns = (page: Page) => page.evaluate(() => (window as unknown as { fakeTrackerRuns?: number }).fakeTrackerRuns ?? 0);
const trackerCookie = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name === '_fake_tracker');
const embedSrc = (page: Page) => page.locator('iframe.embed').getAttribute('src');

describe('third-party scripts held by consent', () => {
  it('refuse all: the marked tag never runs and no request to it, its pixel or the embed leaves the page, on this page or the next', async () => {
    const { context, page, requests } = await openTracked('/demo/product.html');
    await page.locator('[data-shop-privacy="banner"]').waitFor({ state: 'visible' });
    // Before any choice: the page has loaded, the kit runs, and the tag is still inert text.
    expect(requests).toEqual([]);
    expect(await trackerRuns(page)).toBe(0);

    const posted = consentPosted(page);
    await page.getByRole('button', { name: 'ปฏิเสธทั้งหมด' }).click();
    expect((await posted).status()).toBe(201);
    await settingsButton(page).waitFor({ state: 'visible' });
    expect(await trackerRuns(page)).toBe(0);
    expect(await embedSrc(page)).toBeNull();

    // The next page applies the stored refusal at start: still nothing.
    await page.goto(`${demo.url}/demo/`);
    await settingsButton(page).waitFor({ state: 'visible' });
    expect(await trackerRuns(page)).toBe(0);
    expect(await trackerCookie(context)).toBeUndefined();
    expect(requests).toEqual([]);
  });

  it('accept all: the tag runs once and its pixel and the embed load; withdrawing marketing removes its cookie, blanks the embed and keeps the next page clean', async () => {
    const { context, page, requests } = await openTracked('/demo/product.html?lang=en', true);
    await page.getByRole('region', { name: 'Cookies on this site' }).waitFor({ state: 'visible' });
    expect(requests).toEqual([]);

    const pixel = page.waitForRequest((r) => r.url().includes('/demo/fake-pixel.svg'));
    const embed = page.waitForRequest((r) => r.url().includes('/demo/fake-video.svg'));
    await page.getByRole('button', { name: 'Accept all' }).click();
    await Promise.all([pixel, embed]);
    expect(await trackerRuns(page)).toBe(1);
    expect(await embedSrc(page)).toBe('fake-video.svg');
    expect(await trackerCookie(context)).toBeDefined();
    expect(requests.filter((r) => r.endsWith('fake-tracker.js'))).toHaveLength(1);

    // A marked tag the page adds later runs at once, since marketing is granted.
    await page.evaluate(() => {
      const late = document.createElement('script');
      late.type = 'text/plain';
      late.nonce = document.querySelector<HTMLScriptElement>('script[src*="kit.js"]')!.nonce;
      late.setAttribute('data-shop-privacy-category', 'marketing');
      late.text = 'window.lateTagRan = true;';
      document.body.append(late);
    });
    await page.waitForFunction(() => (window as unknown as { lateTagRan?: boolean }).lateTagRan === true);

    // Withdraw marketing in the settings dialog.
    const applied = await armConsentApplied(page);
    await settingsButton(page).click();
    await page.getByLabel('Marketing').uncheck();
    await page.getByRole('button', { name: 'Save choices' }).click();
    await applied();
    expect(await trackerCookie(context)).toBeUndefined();
    expect(await embedSrc(page)).toBe('about:blank');
    // Google Consent Mode follows: denied by default, granted on accept, marketing denied again now.
    const calls = await page.evaluate(() => (window as GtagWindow).gtagCalls);
    expect(calls?.[0]).toEqual([
      'consent',
      'default',
      { ad_storage: 'denied', analytics_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' },
    ]);
    expect(calls?.at(-1)).toEqual([
      'consent',
      'update',
      { analytics_storage: 'granted', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' },
    ]);

    const before = requests.length;
    await page.goto(`${demo.url}/demo/?lang=en`);
    await settingsButton(page).waitFor({ state: 'visible' });
    expect(await trackerRuns(page)).toBe(0);
    expect(await trackerCookie(context)).toBeUndefined();
    expect(requests.slice(before)).toEqual([]);
  });

  it('after a policy change to marketing, the stored consent does not run the marketing tag until the visitor answers', async () => {
    const { context, page, requests } = await openTracked('/demo/?lang=en');
    const pixel = page.waitForRequest((r) => r.url().includes('/demo/fake-pixel.svg'));
    await page.getByRole('button', { name: 'Accept all' }).click();
    await pixel;

    const version = `gate-${randomUUID().slice(0, 8)}`;
    const call = httpClient(() => demo.url);
    const dpo = asStaff(call, 'dpo');
    const latest = Math.max(...(await dpo('GET', '/v1/admin/policies')).body.items.map((v: { effectiveAt: string }) => Date.parse(v.effectiveAt)));
    const published = await dpo('POST', '/v1/admin/policies', {
      version,
      effectiveAt: new Date(Math.max(Date.now() - 1_000, latest + 1)).toISOString(),
      url: `https://shop.example.com/privacy-policy/${version}`,
      sha256: 'c'.repeat(64),
      changes: ['marketing'],
    });
    expect(published.status).toBe(201);
    await expect.poll(() => kitPolicyVersion(demo.url), { timeout: 30_000, interval: 500 }).toBe(version);

    // Back on the site (the kit's answer, with the policy inside, is cacheable, so the browser's cache is emptied first).
    const before = requests.length;
    await (await context.newCDPSession(page)).send('Network.clearBrowserCache');
    await page.reload();
    await page.locator('[data-shop-privacy="banner"][data-renew="marketing"]').waitFor({ state: 'visible' });
    expect(await trackerRuns(page)).toBe(0);
    expect(requests.slice(before)).toEqual([]);

    const again = page.waitForRequest((r) => r.url().includes('/demo/fake-pixel.svg'));
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await again;
    expect(await trackerRuns(page)).toBe(1);
  });

  it('removes a listed cookie left from an earlier consent when the page starts without marketing', async () => {
    const context = await demo.newContext();
    await context.addCookies([{ name: '_fake_tracker', value: 'left-over', url: demo.url }]);
    const page = await context.newPage();
    await page.goto(`${demo.url}/demo/`);
    await page.locator('[data-shop-privacy="banner"]').waitFor({ state: 'visible' });
    expect(await trackerCookie(context)).toBeUndefined();
  });
});
