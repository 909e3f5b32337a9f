import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, localConsole, openConsoleAs } from '../helpers/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { buildConsole } from '../../scripts/build-console';
import { startLocalServer } from '../../scripts/lib/local-server';
import type { StaffRole } from '../helpers/staff-auth';

/** Playwright's wait for an element, a navigation or a download: generous for a loaded 2-core machine. */
const UI_TIMEOUT_MS = 60_000;

const settings = stageFromCdkJson('local');
const buildDir = mkdtempSync(join(tmpdir(), 'console-registers-'));
let server: Awaited<ReturnType<typeof startLocalServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  buildConsole(buildDir);
  const serveConsole = localConsole(buildDir, settings);
  server = await startLocalServer({ settings, port: 0, extra: serveConsole });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
  rmSync(buildDir, { recursive: true, force: true });
});

/**
 * A tab signed in as the demo person of this role: their real ID token (from the emulator's pool)
 * put where the console keeps a session, so the test does not repeat the sign-in the console's own
 * tests cover. axe is injected as an inline script, which the console's CSP (rightly) forbids.
 */
async function signedIn(role: StaffRole, path: string): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', acceptDownloads: true });
  contexts.push(context);
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  return openConsoleAs(context, server.url, role, path);
}

/** The datetime-local value of an instant, in Bangkok (UTC+7 all year). */
const bangkokLocal = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);

describe('the DPO\u2019s register pages', () => {
  it('lets the DPO record a breach, which is listed with its 72-hour deadline', async () => {
    const page = await signedIn('dpo', '/registers/breaches');
    await page.getByRole('heading', { level: 1, name: 'Breach register' }).waitFor();
    const form = page.getByTestId('record-breach');
    await form.getByLabel('The shop learned of it at (Bangkok time)').fill(bangkokLocal(Date.now() - 2 * 3_600_000));
    await form.getByLabel('What happened').fill('A laptop with an order export was stolen');
    await form.getByLabel('Contact details (e-mail, name, language)').check();
    await form.getByLabel('Purchases').check();
    await form.getByLabel('About how many people').fill('40');
    await form.getByLabel('High').check();
    await form.getByLabel('Risk assessment').fill('Disk not encrypted; names and addresses exposed');
    await form.getByRole('button', { name: 'Record a suspected breach' }).click();
    const status = form.getByRole('status');
    await status.waitFor();
    const id = (await status.getByRole('link').textContent())!;
    expect(id).toMatch(/^B-[A-Z2-9]{10}$/);
    const row = page.getByTestId('breaches').getByRole('row').filter({ hasText: id });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/(69|70|71) hours left/);
    expect(await axeViolations(page)).toEqual([]);

    await row.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { level: 1, name: `Breach register: ${id}` }).waitFor();
    await page.getByRole('heading', { name: 'Telling the people affected' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The DPO learns more: the correction form starts from what is recorded.
    const reassess = page.getByTestId('reassess-breach');
    expect(await reassess.getByLabel('About how many people').inputValue()).toBe('40');
    expect(await reassess.getByLabel('High').isChecked()).toBe(true);
    await reassess.getByLabel('About how many people').fill('400');
    await reassess.getByLabel('Medium').check();
    const saved = page.waitForResponse((r) => r.url().endsWith(`/v1/admin/breaches/${id}/assessment`) && r.request().method() === 'PUT');
    await reassess.getByRole('button', { name: 'Save the corrected assessment' }).click();
    expect((await saved).status()).toBe(200);
    await page.locator('.history li').filter({ hasText: 'Assessment corrected' }).waitFor();
    expect(await page.locator('dl.facts').textContent()).toContain('400');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('lets the DPO download the s39 record as the API\u2019s CSV, with its BOM, and shows it as a printable table', async () => {
    const page = await signedIn('dpo', '/registers/processing-record');
    await page.getByTestId('processing-record').waitFor();
    expect(await page.getByTestId('processing-record').getByRole('rowheader').allTextContents()).toContain('Personal-data breach register');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Language of the record').selectOption('th');
    await page.getByTestId('processing-record').getByRole('rowheader', { name: 'ทะเบียนเหตุละเมิดข้อมูลส่วนบุคคล' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^processing-record-\d{4}-\d{2}-\d{2}-th\.csv$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('ทะเบียนเหตุละเมิดข้อมูลส่วนบุคคล');
  });

  it('shows a staff member who is not the DPO neither the breach register nor the s39 record, nor links to them', async () => {
    for (const path of ['/registers/breaches', '/registers/processing-record']) {
      const page = await signedIn('staff', path);
      await page.getByRole('heading', { level: 1, name: 'Not allowed' }).or(page.getByRole('alert')).first().waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('data protection officer');
      expect(await page.getByTestId('breaches').count()).toBe(0);
      expect(await page.getByTestId('processing-record').count()).toBe(0);
      const nav = page.getByRole('navigation');
      expect(await nav.getByRole('link', { name: 'Breach register' }).count()).toBe(0);
      expect(await nav.getByRole('link', { name: 'Record of processing (s39)' }).count()).toBe(0);
    }
  });
});
