/**
 * What the privacy-center and script-gate browser tests share: the local server with the demo shop,
 * headless Chromium from Debian, contexts closed after the file, and axe-core's WCAG checks.
 * Playwright's waits use a generous timeout for a loaded 2-core machine; tests await the element or
 * request that proves a state, so a quick machine never waits that long.
 */
import axe from 'axe-core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { stageFromCdkJson, type StageSettings } from '../../infra/stage-config';
import { CONSOLE_COGNITO_PROXY, consoleHandler } from '../../scripts/lib/console-serve';
import { localStaffAuth } from '../../scripts/lib/local-staff-auth';
import { staffToken, type StaffRole } from './staff-auth';
import { serveDemo } from '../../scripts/lib/demo';
import { KIT_JS, KIT_POLICY_PLACEHOLDER } from '../../shared/storefront/kit-bundle';
import { startLocalServer } from '../../scripts/lib/local-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const UI_TIMEOUT_MS = 60_000;

/** Debian's headless Chromium, quiet: no sandbox (containers), no GPU, no background traffic. */
export const launchChromium = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

export interface DemoBrowser {
  url: string;
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Starts the local server (demo shop included) and Chromium; `close` stops both, contexts first. */
export async function startDemoBrowser(extra?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>): Promise<DemoBrowser> {
  const server = await startLocalServer({
    settings: stageFromCdkJson('local'),
    port: 0,
    extra: async (req, res, url) => (extra ? await extra(req, res, url) : false) || serveDemo(req, res, url),
  });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  return {
    url: server.url,
    async newContext(options = {}) {
      const context = await browser.newContext({ locale: 'th-TH', ...options });
      contexts.push(context);
      context.setDefaultTimeout(UI_TIMEOUT_MS);
      return context;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * The policy version the kit's answer at the URL pages embed carries (undefined: none). A page shows
 * a new policy once this names it and the browser no longer holds the older answer.
 */
export async function kitPolicyVersion(apiUrl: string): Promise<string | undefined> {
  const code = await (await fetch(`${apiUrl}/v1/kit.js`)).text();
  const [before, after] = KIT_JS.split(KIT_POLICY_PLACEHOLDER) as [string, string];
  return (JSON.parse(code.slice(before.length, code.length - after.length)) as { version: string } | null)?.version;
}

/** axe-core's WCAG 2.2 AA violations inside `selector` (the whole document without one). */
export async function axeViolations(page: Page, selector?: string) {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(
    async ([sel, tags]) => {
      const engine = (window as unknown as { axe: typeof axe }).axe;
      const r = await engine.run(sel ?? document, { runOnly: { type: 'tag', values: tags as string[] } });
      return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html) }));
    },
    [selector, WCAG_TAGS] as const,
  );
}

/** The staff console as `npm start` serves it: the build in `dir`, signing in against the emulator's user pool. */
export function localConsole(dir: string, settings: StageSettings) {
  const pool = localStaffAuth()!;
  return consoleHandler({
    dir,
    cognitoUpstream: inject('motoEndpoint'),
    config: () => ({
      apiBaseUrl: '',
      stage: settings.name,
      region: pool.region,
      userPoolId: pool.userPoolId,
      clientId: pool.userPoolClientId,
      cognitoEndpoint: CONSOLE_COGNITO_PROXY,
    }),
  });
}

/**
 * Opens the console's `path` in `context` as a signed-in `role`, in English: a real ID token from the
 * emulator's pool, put where the console keeps its session (sign-in itself is tested in console.test.ts).
 */
export async function openConsoleAs(context: BrowserContext, baseUrl: string, role: StaffRole, path: string): Promise<Page> {
  const idToken = await staffToken(role);
  await context.addInitScript(
    ([token]) => {
      sessionStorage.setItem('console.session', JSON.stringify({ idToken: token, accessToken: '', expiresAt: Date.now() + 50 * 60_000 }));
      localStorage.setItem('console.lang', 'en');
    },
    [idToken] as const,
  );
  const page = await context.newPage();
  await page.goto(`${baseUrl}/console${path}`);
  return page;
}
