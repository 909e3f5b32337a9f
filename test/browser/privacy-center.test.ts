/**
 * The customer privacy center in Chromium, on the demo shop's "My privacy" page, against the real
 * handlers and the emulator: nothing but the e-mail form before sign-in; sign-in with the link read
 * from the local outbox; each section (requests, newsletter switch, cookie choices, download, the
 * pre-filled request form); a used or other address's link shows nothing of anyone; Thai and English;
 * axe-core's WCAG 2.2 AA checks.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sentMail } from '../../scripts/lib/outbox';
import { axeViolations, type DemoBrowser, startDemoBrowser } from '../helpers/browser';
import { httpClient } from '../helpers/http';

let demo: DemoBrowser;
const endpoint = inject('motoEndpoint');
beforeAll(async () => {
  demo = await startDemoBrowser();
  // Sign-in links may point to the API's own origin, where the local mode serves the demo shop
  // (the handlers read this when first called, after the server has its port).
  process.env.PUBLIC_API_URL = demo.url;
});
afterAll(async () => {
  await demo?.close();
});

const call = httpClient(() => demo.url);
const address = () => `pc-${randomUUID().slice(0, 8)}@example.com`;
const center = (page: Page) => page.locator('[data-shop-privacy="center"]');

/**
 * Opens the page, settles the cookie banner (refuse all) and asks for a link for `email`. axe-core is
 * injected as an inline script, which the demo's strict CSP refuses: contexts that run it bypass CSP,
 * the others record every CSP violation in `window.cspViolations`.
 */
async function askForLink(email: string, lang: 'th' | 'en', options: { axe?: boolean } = {}) {
  const context = await demo.newContext({ acceptDownloads: true, bypassCSP: options.axe === true });
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  await page.goto(`${demo.url}/demo/my-privacy.html${lang === 'en' ? '?lang=en' : ''}`);
  await page.locator('[data-shop-privacy="banner"] [data-action="refuse"]').click();
  await page.locator('[data-shop-privacy="settings-button"]').waitFor({ state: 'visible' });
  const form = page.locator('[data-shop-privacy="center-sign-in"]');
  await form.getByLabel(lang === 'en' ? 'Email address' : 'อีเมล').fill(email);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/privacy-center/sign-in-links');
  await form.getByRole('button').click();
  expect((await answered).status()).toBe(202);
  await form.getByRole('status').waitFor();
  return { context, page };
}

/** Opens a mailed link as a mail program does: in a new tab of the same browser. */
async function openLink(context: BrowserContext, link: string): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto(link);
  return tab;
}

/** The sign-in link of the newest mail to `email` in the emulator's outbox. */
async function mailedLink(email: string): Promise<string> {
  const mail = (await sentMail(endpoint)).filter((m) => m.to.includes(email) && m.text.includes('#shop-privacy-center=')).at(-1);
  const link = mail?.text.match(/https?:\/\/\S+#shop-privacy-center=[A-Za-z0-9_.-]+/)?.[0];
  expect(link).toBeDefined();
  return link!;
}

describe('privacy center in Chromium', () => {
  it('shows only the e-mail form before sign-in, in Thai, and passes axe-core', async () => {
    const email = address();
    const { page } = await askForLink(email, 'th', { axe: true });
    await expect(center(page).getByRole('status').textContent()).resolves.toContain(email);
    expect(await center(page).locator('section').count()).toBe(0);
    expect(await center(page).getAttribute('lang')).toBe('th');
    expect(await center(page).getByRole('heading', { name: 'ข้อมูลส่วนบุคคลของฉัน' }).count()).toBe(1);
    expect(await axeViolations(page, '[data-shop-privacy="center"]')).toEqual([]);
  });

  it('signs in with the mailed link and every section works (English)', async () => {
    const email = address();
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    expect((await call('PUT', `/v1/members/${memberId}`, { email, name: 'Nid', locale: 'en', marketingOptIn: true })).status).toBe(201);
    const request = await call('POST', '/v1/requests', { email, type: 'access', locale: 'en' });
    const { context } = await askForLink(email, 'en', { axe: true });
    const page = await openLink(context, await mailedLink(email));
    await center(page).locator('[data-owner]').waitFor();
    expect(await center(page).locator('[data-owner]').textContent()).toBe(email);
    expect(new URL(page.url()).hash).toBe(''); // the token left the address bar
    expect(await axeViolations(page, '[data-shop-privacy="center"]')).toEqual([]);

    // Requests: status and due date.
    const row = center(page).locator(`tr[data-request-id="${request.body.requestId}"]`);
    expect(await row.locator('[data-status]').textContent()).toBe('Waiting for email confirmation');
    expect(await row.locator('td').nth(4).textContent()).toMatch(/\d{1,2} \w+ \d{4}/);

    // Newsletters: off at once.
    const toggle = center(page).getByRole('switch', { name: 'Receive newsletters and promotions by email' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await center(page).getByText('Saved: we stop sending you newsletters and promotions from now on.').waitFor();
    expect((await call('GET', `/v1/subscriptions/${email}`)).body).toMatchObject({ subscribed: false, via: 'privacy-center' });

    // Cookies of this browser, changed through the kit's dialog.
    const cookieState = center(page).locator('[data-cookie-state]');
    expect(await cookieState.textContent()).toBe('Analytics: refused · Marketing: refused');
    await center(page).getByRole('button', { name: 'Change cookie settings' }).click();
    await page.getByLabel('Analytics').check();
    await page.getByRole('button', { name: 'Save choices' }).click();
    await page.waitForFunction(() => document.querySelector('[data-cookie-state]')?.textContent === 'Analytics: allowed · Marketing: refused');

    // Download what the shop holds.
    const downloading = page.waitForEvent('download');
    await center(page).getByRole('button', { name: 'Download my data' }).click();
    const file = await (await downloading).path();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'shop-privacy-export/1', member: { memberId, email } });

    // The request form, with the address filled in.
    const form = center(page).locator('[data-section="request-form"]');
    expect(await form.getByLabel('Email address').inputValue()).toBe(email);
  });

  it('shows nothing of anyone for a used link, and another address\u2019s link shows only that address', async () => {
    const mine = address();
    const mineRequest = await call('POST', '/v1/requests', { email: mine, type: 'delete', locale: 'en' });
    const theirs = address();
    const { context } = await askForLink(theirs, 'en');
    const link = await mailedLink(theirs);
    const page = await openLink(context, link);
    await center(page).locator('[data-owner]').waitFor();
    expect(await center(page).locator('[data-owner]').textContent()).toBe(theirs);
    // Under the demo's strict Content-Security-Policy: the center's script and style ran unreported.
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    expect(await center(page).getByText('No requests yet.').count()).toBe(1);
    expect(await page.content()).not.toContain(mineRequest.body.requestId);

    // The same link again, in a fresh browser: refused, and only the e-mail form shows.
    const other = await (await demo.newContext()).newPage();
    await other.goto(link);
    await center(other).getByText('This link is not valid, has expired or was already used. Please ask for a new one.').waitFor();
    expect(await center(other).locator('section').count()).toBe(0);
    expect(await center(other).locator('[data-owner]').count()).toBe(0);
  });
});
