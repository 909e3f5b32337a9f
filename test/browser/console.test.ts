import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOTP } from 'otpauth';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { axeViolations, launchChromium } from '../helpers/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type StageSettings, stageFromCdkJson } from '../../infra/stage-config';
import { buildConsole } from '../../scripts/build-console';
import { deliverMail } from '../../scripts/lib/inbox';
import { startLocalSystem, type LocalSystem } from '../../scripts/lib/local-system';
import { sentMail } from '../../scripts/lib/outbox';
import { createStaffUser } from '../../scripts/lib/local-staff-auth';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

const SHOTS = join(REPO_ROOT, 'test-results');
/** Playwright's wait for any element or response: generous for a loaded 2-core machine; a quick one never waits this long. */
const UI_TIMEOUT_MS = 60_000;

let system: LocalSystem;
let browser: Browser;
const contexts: BrowserContext[] = [];
const memberId = `m-console-${randomUUID().slice(0, 8)}`;
let requestId: string;
/** A second request (an English access request), worked with the keyboard alone. */
let keyboardRequestId: string;

/**
 * The local stage plus one system that confirms back (issue 14): the shop's loyalty app, told when a
 * member is deactivated. Only a closed account waits for it; the other requests here close at once.
 */
const LOYALTY_APP = 'loyalty-app';
const localStage = stageFromCdkJson('local');
const settings: StageSettings = {
  ...localStage,
  eventConsumers: [
    ...(localStage.eventConsumers ?? []),
    {
      id: LOYALTY_APP,
      events: ['member.deactivated'],
      target: { kind: 'sqs' },
      retries: 8,
      maxEventAgeHours: 24,
      confirmRoleArn: 'arn:aws:iam::000000000000:role/loyalty-app-confirms',
    },
  ],
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // What `npm start` serves: the bundle built by `npm run build:console`.
  buildConsole();
  system = await startLocalSystem({ port: 0, settings, tablePrefix: `console-${randomUUID().slice(0, 8)}` });
  browser = await launchChromium();
  // The sample mail's sender is this member; the mail opens a delete request (DMARC passes).
  const put = await fetch(`${system.url}/v1/members/${memberId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'somchai.j@example.com', name: 'Somchai', locale: 'th', marketingOptIn: true }),
  });
  expect(put.status).toBeLessThan(300);
  const delivered = await deliverMail(readFileSync(join(REPO_ROOT, 'events', 'email', 'th-delete-utf8-base64.eml')));
  expect(delivered.outcome).toBe('opened');
  requestId = delivered.requestId!;
  const putAnna = await fetch(`${system.url}/v1/members/${memberId}-en`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'anna.lee@example.com', name: 'Anna', locale: 'en', marketingOptIn: false }),
  });
  expect(putAnna.status).toBeLessThan(300);
  const access = await deliverMail(readFileSync(join(REPO_ROOT, 'events', 'email', 'en-access.eml')));
  expect(access.outcome).toBe('opened');
  keyboardRequestId = access.requestId!;
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await system?.stop();
});

type Role = 'staff' | 'dpo';

async function newPage(options: { bypassCSP?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'th-TH', ...options });
  contexts.push(context);
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  return context.newPage();
}

/** Signs in through the console's form; the dpo answers the TOTP challenge with a code computed from the printed secret. */
async function signIn(role: Role, options: { bypassCSP?: boolean } = {}): Promise<Page> {
  return signInAs(await newPage(options), system.staffAuth.users[role]);
}

/** The sign-in form for any person; a TOTP code is typed when the person has a secret (Cognito then asks). */
async function signInAs(page: Page, user: { username: string; password: string; totpSecret?: string }): Promise<Page> {
  await page.goto(`${system.url}/console/`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill(user.username);
  await page.getByLabel('รหัสผ่าน').fill(user.password);
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  const nav = page.getByRole('navigation', { name: 'เมนูหลัก' });
  if (user.totpSecret) {
    const totp = new TOTP({ secret: user.totpSecret });
    // A code typed at the very end of its 30-second step may be checked in the next: then once more with the new code.
    for (let attempt = 0; ; attempt++) {
      const step = totp.counter();
      await page.getByLabel('รหัส 6 หลักจากแอปยืนยันตัวตน').fill(totp.generate());
      await page.getByRole('button', { name: 'ยืนยัน' }).click();
      await shown(nav.or(page.locator('#sign-in-error')));
      if ((await nav.isVisible()) || attempt > 0 || totp.counter() === step) break;
    }
  }
  await shown(nav);
  return page;
}

/** Waits (Playwright's auto-waiting) until the locator, or one holding `text`, is visible. */
const shown = (locator: Locator, text?: string | RegExp) =>
  (text === undefined ? locator : locator.filter({ hasText: text })).first().waitFor({ state: 'visible' });
/** Waits until the focused element is a `tag` holding `text`. */
const focusedOn = (page: Page, tag: string, text: string) =>
  page.waitForFunction(([t, x]) => document.activeElement?.tagName === t && (document.activeElement.textContent ?? '').includes(x), [tag, text] as const);
/**
 * Presses Tab until the focused element passes `test` (run in the page with `arg`), at most 40 times:
 * proves the element is reachable by keyboard in the page's own tab order.
 */
async function tabUntil(page: Page, test: (el: Element, arg: string) => boolean, arg = '') {
  const source = test.toString();
  const holds = () =>
    page.evaluate(
      ([fn, a]) => {
        const el = document.activeElement;
        return !!el && (new Function(`return (${fn})`)() as (e: Element, x: string) => boolean)(el, a);
      },
      [source, arg] as const,
    );
  for (let i = 0; i < 40 && !(await holds()); i++) await page.keyboard.press('Tab');
  expect(await holds(), `focus never reached: ${source}`).toBe(true);
}
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });

describe('staff console', () => {
  it('serves the console with a strict CSP and security headers, and its config names the local pool', async () => {
    const res = await fetch(`${system.url}/console/requests/R-ANY`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const config = await (await fetch(`${system.url}/console/config.json`)).json();
    expect(config).toMatchObject({ apiBaseUrl: '', userPoolId: system.staffAuth.userPoolId, clientId: system.staffAuth.userPoolClientId });
  });

  it('lets staff sign in, see the request opened by mail, open it and complete it; the completion mail goes out', async () => {
    const page = await signIn('staff');
    await shown(page.getByRole('heading', { name: 'คิวคำขอ' }));
    const row = page.getByRole('row').filter({ hasText: requestId });
    await shown(row);
    expect(await row.textContent()).toContain('ลบข้อมูลส่วนบุคคล');
    expect(await row.textContent()).toContain('somchai.j@example.com');
    await shown(page.getByTestId('count-open'), /^[1-9]\d*$/);
    await shot(page, 'queue');

    await row.getByRole('link', { name: requestId }).click();
    await shown(page.getByRole('heading', { name: `คำขอ ${requestId}` }));
    await shown(page.getByTestId('request-status'), /^เปิดอยู่$/);
    // The mail as text, the verdicts in words, the member it matched.
    expect((await page.locator('pre.mail').textContent())?.trim()).not.toBe('');
    await shown(page.getByText('DMARC (ยืนยันผู้ส่ง)'));
    await shown(page.getByRole('link', { name: memberId }));
    // The notice preview is the mail the customer will get, in their language (Thai).
    await shown(page.getByTestId('notice-preview'), requestId);
    await shot(page, 'request');

    // An internal comment and an assignment, both in the history under the signed-in person's name.
    await page.getByRole('textbox', { name: 'บันทึกภายใน' }).fill('Checked the account: orders are kept for disputes.');
    await page.getByRole('button', { name: 'เพิ่มบันทึก' }).click();
    await shown(page.locator('.timeline li'), 'Checked the account');
    await page.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await shown(page.locator('.facts dd'), system.staffAuth.users.staff.username);

    const completed = page.waitForResponse((r) => r.url().endsWith(`/v1/admin/requests/${requestId}/complete`));
    await page.getByRole('button', { name: 'ยืนยันและแจ้งลูกค้า' }).click();
    expect((await completed).status()).toBe(200);
    await shown(page.getByTestId('request-status'), /^เสร็จแล้ว$/);
    const mails = (await sentMail(system.emulator.endpoint)).filter((m) => m.to.includes('somchai.j@example.com') && m.subject.includes(requestId));
    expect(mails.length).toBeGreaterThanOrEqual(2); // the acknowledgement and the completion notice
    await shot(page, 'request-completed');
  });

  it('refuses staff the disclosure register: not in the navigation, the page says so, the API answers 403', async () => {
    const page = await signIn('staff');
    expect(await page.getByRole('link', { name: 'ทะเบียนการเปิดเผยข้อมูล' }).count()).toBe(0);
    await page.goto(`${system.url}/console/registers/disclosures`);
    await shown(page.getByRole('heading', { name: 'ไม่มีสิทธิ์เข้าถึง' }));
    await shown(page.getByRole('alert'), 'DPO');
    // The API refuses the signed-in staff member too, whatever a page shows.
    const { idToken } = JSON.parse((await page.evaluate(() => sessionStorage.getItem('console.session')))!);
    const refused = await fetch(`${system.url}/v1/admin/disclosures`, { headers: { authorization: `Bearer ${idToken}` } });
    expect(refused.status).toBe(403);
    await shot(page, 'staff-refused');
  });

  it('lets the dpo sign in with TOTP, record a disclosure, find the member, verify its audit chain and see who viewed it', async () => {
    const page = await signIn('dpo');
    await page.getByRole('link', { name: 'ทะเบียนการเปิดเผยข้อมูล' }).click();
    await page.getByLabel('ผู้รับข้อมูล').fill('Bangkok Metropolitan Police');
    await page.getByLabel('กฎหมายกำหนด').check();
    await page.getByLabel('ประเภทข้อมูล (คั่นด้วยจุลภาค)').fill('profile, orders');
    await page.getByLabel('รหัสสมาชิก (ถ้ามี)').fill(memberId);
    // Required by law without the warrant's reference: refused in the form, nothing sent.
    await page.getByRole('button', { name: 'บันทึกการเปิดเผยข้อมูล' }).click();
    expect(await page.getByLabel('เลขที่คำสั่งหรือหมาย').evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
    await page.getByLabel('เลขที่คำสั่งหรือหมาย').fill('Warrant 123/2569');
    const recorded = page.waitForResponse((r) => r.url().endsWith('/v1/admin/disclosures') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'บันทึกการเปิดเผยข้อมูล' }).click();
    expect((await recorded).status()).toBe(201);
    await shown(page.getByTestId('disclosures').getByRole('row'), 'Warrant 123/2569');
    await shot(page, 'disclosures');

    // Find the member by e-mail, as a DPO would.
    await page.getByRole('link', { name: 'สมาชิก' }).click();
    await page.getByLabel('ค้นหา', { exact: true }).fill('somchai.j@example.com');
    await page.getByRole('button', { name: 'ค้นหา' }).click();
    await shown(page.getByRole('heading', { name: `สมาชิก ${memberId}` }));
    await shown(page.getByTestId('chain-verification'), 'ห่วงโซ่สมบูรณ์');
    // Reading is recorded: staff opened this member's request mail, and this very look is listed too.
    const viewed = page.getByTestId('viewed');
    await shown(viewed.getByRole('row'), system.staffAuth.users.staff.username);
    await shown(viewed.getByRole('row'), system.staffAuth.users.dpo.username);
    // In words, with what was looked at: not the stored name `viewed`.
    await shown(viewed.getByRole('row'), 'เปิดดูข้อมูล (ข้อมูลสมาชิก)');
    await page.getByRole('button', { name: 'ตรวจสอบห่วงโซ่' }).click();
    await shown(page.getByTestId('chain-verification'), 'ห่วงโซ่สมบูรณ์');
    await shot(page, 'member');
  });

  it('lets the dpo publish a policy version with the file\u2019s SHA-256 computed in the browser', async () => {
    const page = await signIn('dpo');
    await page.getByRole('link', { name: 'เวอร์ชันนโยบาย' }).click();
    const text = Buffer.from('นโยบายความเป็นส่วนตัว ฉบับทดสอบ\n');
    const version = `console-${randomUUID().slice(0, 8)}`;
    await page.getByLabel('เวอร์ชัน', { exact: true }).fill(version);
    await page.getByLabel('มีผลตั้งแต่').fill('2030-01-01');
    await page.getByLabel('ที่อยู่ของนโยบาย (URL)').fill('https://shop.example.com/privacy');
    await page.getByLabel('ไฟล์นโยบาย').setInputFiles({ name: 'policy.txt', mimeType: 'text/plain', buffer: text });
    await shown(page.getByTestId('policy-sha256'), createHash('sha256').update(text).digest('hex'));
    await page.getByLabel('การวิเคราะห์').check();
    const published = page.waitForResponse((r) => r.url().endsWith('/v1/admin/policies') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'เผยแพร่', exact: true }).click();
    expect((await published).status()).toBe(201);
    await shown(page.getByRole('row'), version);
    await shot(page, 'policies');
  });

  it('lets a new dpo without TOTP set it up in the console, and counts the dpo role only after signing in with it', async () => {
    const user = await createStaffUser(new CognitoIdentityProviderClient({ endpoint: system.staffAuth.cognitoEndpoint }), system.staffAuth.userPoolId, {
      username: `dpo-new-${randomUUID().slice(0, 6)}`,
      email: 'dpo-new@example.com',
      group: 'dpo',
    });
    const page = await signInAs(await newPage(), user);
    // Without TOTP the dpo counts as staff: the API refuses the register (locally the server applies the
    // rule when it verifies the token; in AWS the pool's pre-token trigger already leaves dpo out of it).
    await page.goto(`${system.url}/console/registers/disclosures`);
    await shown(page.getByRole('alert'), 'forbidden');
    await page.getByRole('link', { name: 'การยืนยันตัวตนสองขั้นตอน' }).click();
    await page.getByRole('button', { name: 'เริ่มตั้งค่า' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await page.getByLabel('รหัส 6 หลักจากแอปยืนยันตัวตน').fill(new TOTP({ secret }).generate());
    await page.getByRole('button', { name: 'ยืนยัน' }).click();
    await shown(page.getByRole('status'), 'เปิดการยืนยันตัวตนสองขั้นตอนแล้ว');
    await shot(page, 'mfa-setup');
    await page.getByRole('main').getByRole('button', { name: 'ออกจากระบบ' }).click();
    await signInAs(page, { ...user, totpSecret: secret });
    const answered = page.waitForResponse((r) => r.url().includes('/v1/admin/disclosures'));
    await page.getByRole('link', { name: 'ทะเบียนการเปิดเผยข้อมูล' }).click();
    expect((await answered).status()).toBe(200);
    await page.waitForFunction(() => !document.querySelector('.loading'));
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('speaks Thai by default and English after the switch, with Buddhist-era dates only in Thai', async () => {
    const page = await signIn('staff');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('th');
    await page.goto(`${system.url}/console/requests/${requestId}`);
    const received = page.getByTestId('received');
    await shown(received, String(new Date().getFullYear() + 543));
    await page.getByRole('button', { name: 'English' }).click();
    await shown(page.getByRole('heading', { name: `Request ${requestId}` }));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await shown(received, 'Bangkok time');
    expect(await received.textContent()).toContain(String(new Date().getFullYear()));
    await shot(page, 'request-en');
  });

  it('can be worked with the keyboard alone: from the queue into a request, refused with a reason', async () => {
    const page = await signIn('staff');
    await page.reload();
    await shown(page.getByRole('heading', { name: 'คิวคำขอ' }));
    // The skip link is the first stop of the tab order.
    await page.keyboard.press('Tab');
    await focusedOn(page, 'A', 'ข้ามไปยังเนื้อหาหลัก');
    const link = page.getByRole('link', { name: keyboardRequestId });
    await shown(link);
    await tabUntil(page, (el, id) => el.tagName === 'A' && el.textContent === id, keyboardRequestId);
    await page.keyboard.press('Enter');
    // The new page's heading takes focus, so a screen reader announces where it landed.
    await focusedOn(page, 'H1', `คำขอ ${keyboardRequestId}`);
    await tabUntil(page, (el) => (el as HTMLInputElement).name === 'outcome');
    await page.keyboard.press('ArrowDown'); // radio group: to "refused"
    expect(await page.getByLabel('ปฏิเสธ').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await focusedOn(page, 'TEXTAREA', '');
    await page.keyboard.type('We cannot identify the account from this mail.');
    await tabUntil(page, (el) => el.tagName === 'BUTTON' && el.getAttribute('type') === 'submit');
    const completed = page.waitForResponse((r) => r.url().endsWith(`/v1/admin/requests/${keyboardRequestId}/complete`));
    await page.keyboard.press('Enter');
    expect((await completed).status()).toBe(200);
    await shown(page.getByTestId('request-status'), /^ปฏิเสธ$/);
  });

  it('passes axe-core\u2019s WCAG 2.2 AA checks on every page', async () => {
    // axe is injected as an inline script, which the console's CSP (rightly) forbids: this context bypasses it.
    const signInPage = await newPage({ bypassCSP: true });
    await signInPage.goto(`${system.url}/console/`);
    await shown(signInPage.getByLabel('รหัสผ่าน'));
    expect(await axeViolations(signInPage), 'sign-in').toEqual([]);
    const page = await signIn('dpo', { bypassCSP: true });
    const paths = [
      'queue',
      `requests/${requestId}`,
      'members',
      `members/${memberId}`,
      'unsubscribe',
      'registers/disclosures',
      'registers/partners',
      'registers/policies',
      'account/mfa',
    ];
    for (const path of paths) {
      await page.goto(`${system.url}/console/${path}`);
      await shown(page.locator('h1'));
      await page.waitForFunction(() => !document.querySelector('.loading'));
      expect(await axeViolations(page), path).toEqual([]);
    }
  });

  it('shows a closed account waiting for the loyalty app, refuses staff the override and lets the dpo close it with a reason', async () => {
    const put = await fetch(`${system.url}/v1/members/${memberId}-cancel`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'john.smith@example.com', name: 'John', locale: 'en', marketingOptIn: false }),
    });
    expect(put.status).toBeLessThan(300);
    const cancel = await deliverMail(readFileSync(join(REPO_ROOT, 'events', 'email', 'en-cancel-account.eml')));
    expect(cancel).toMatchObject({ outcome: 'opened', type: 'cancel_account' });
    const id = cancel.requestId!;

    // Staff carry it out here: it stays open, waiting for the loyalty app; staff see why, but no override.
    const staffPage = await signIn('staff');
    await staffPage.goto(`${system.url}/console/requests/${id}`);
    const completed = staffPage.waitForResponse((r) => r.url().endsWith(`/v1/admin/requests/${id}/complete`));
    await staffPage.getByRole('button', { name: 'ยืนยันและแจ้งลูกค้า' }).click();
    expect((await completed).status()).toBe(200);
    const staffRow = staffPage.getByRole('table', { name: 'ระบบอื่นของร้าน' }).getByRole('row').filter({ hasText: LOYALTY_APP });
    await shown(staffRow, 'รอการยืนยัน');
    expect(await staffRow.textContent()).toContain('ปิดบัญชีของลูกค้า');
    await shown(staffPage.getByTestId('request-status'), 'เปิดอยู่ (ดำเนินการแล้ว รอระบบอื่นยืนยัน)');
    await shown(staffPage.getByText('หากระบบใดไม่ยืนยัน'));
    expect(await staffPage.getByRole('button', { name: 'ปิดคำขอ', exact: true }).count()).toBe(0);
    expect(await staffPage.getByRole('button', { name: 'ยืนยันและแจ้งลูกค้า' }).count()).toBe(0);

    // The dpo closes it without the loyalty app, by keyboard alone; axe-clean before and after.
    const page = await signIn('dpo', { bypassCSP: true });
    await page.goto(`${system.url}/console/requests/${id}`);
    await shown(page.getByRole('table', { name: 'ระบบอื่นของร้าน' }).getByRole('row').filter({ hasText: LOYALTY_APP }), 'รอการยืนยัน');
    await page.waitForFunction(() => !document.querySelector('.loading'));
    expect(await axeViolations(page), 'waiting, with the override form').toEqual([]);
    await shot(page, 'request-systems-waiting');
    const reason = 'The loyalty app closed the account by hand (ticket 4711)';
    await tabUntil(page, (el) => el.id === 'override-reason');
    await page.keyboard.type(reason);
    await page.keyboard.press('Tab');
    await focusedOn(page, 'BUTTON', 'ปิดคำขอ');
    const overridden = page.waitForResponse((r) => r.url().endsWith(`/v1/admin/requests/${id}/fulfilment-override`));
    await page.keyboard.press('Enter');
    expect((await overridden).status()).toBe(200);
    await shown(page.getByTestId('request-status'), /^เสร็จแล้ว$/);
    const override = page.getByTestId('override');
    await shown(override, reason);
    expect(await override.textContent()).toContain(system.staffAuth.users.dpo.username);
    await shown(page.locator('.timeline li'), 'ปิดคำขอโดยไม่รอการยืนยันจากระบบอื่น');
    // The loyalty app never confirmed: the override closes the request, it does not invent a confirmation.
    await shown(page.getByRole('table', { name: 'ระบบอื่นของร้าน' }).getByRole('row').filter({ hasText: LOYALTY_APP }), 'รอการยืนยัน');
    expect(await page.getByRole('button', { name: 'ปิดคำขอ', exact: true }).count()).toBe(0);
    expect(await axeViolations(page), 'closed by the override').toEqual([]);
    await shot(page, 'request-systems-overridden');
  });
});
