/**
 * `npm run bench`: the staff console's weight (each built file, minified and gzipped; the first load's
 * files apart from the chunks loaded on first use, such as the report pages with Chart.js) and its first
 * load in Chromium: from navigation start until the sign-in form is on screen, with a cold cache
 * (a fresh browser context per load), served by the local server with its production headers. Reported,
 * never asserted: figures depend on the machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stageFromCdkJson } from '../../infra/stage-config';
import { buildConsole } from '../build-console';
import { consoleHandler } from './console-serve';
import { startLocalServer } from './local-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LOADS = 5;

export interface ConsoleFigures {
  /** `firstLoad`: the page, its stylesheet, the entry script and what it imports; `onFirstUse`: chunks loaded when a page needs them. */
  files: { name: string; bytes: number; gzipped: number; when: 'firstLoad' | 'onFirstUse' }[];
  /** Median first-load time in ms, or why it was not measured. */
  firstLoadMs: number | string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function consoleFigures(): Promise<ConsoleFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'console-bench-'));
  try {
    const built = buildConsole(dir);
    const file = (name: string, when: 'firstLoad' | 'onFirstUse') => {
      const bytes = readFileSync(join(dir, name));
      return { name, bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length, when };
    };
    const files = [
      ...[built.js, ...built.preload, built.css, 'index.html'].map((name) => file(name, 'firstLoad')),
      ...built.lazy.map((name) => file(name, 'onFirstUse')),
    ];
    if (!existsSync(CHROMIUM)) return { files, firstLoadMs: `not measured: no Chromium at ${CHROMIUM}` };
    const serve = consoleHandler({
      dir,
      cognitoUpstream: 'http://127.0.0.1:9',
      config: () => ({ apiBaseUrl: '', stage: 'bench', region: 'ap-southeast-1', userPoolId: 'bench', clientId: 'bench', cognitoEndpoint: '/console/cognito' }),
    });
    const server = await startLocalServer({ settings: stageFromCdkJson('local'), port: 0, extra: serve });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const times: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const context = await browser.newContext({ locale: 'th-TH' });
        const page = await context.newPage();
        await page.goto(`${server.url}/console/`);
        await page.locator('#username').waitFor();
        times.push(await page.evaluate(() => performance.now()));
        await context.close();
      }
      return { files, firstLoadMs: median(times) };
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printConsoleFigures(figures: ConsoleFigures) {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const firstLoad = figures.files.filter((f) => f.when === 'firstLoad');
  const total = firstLoad.reduce((sum, f) => sum + f.gzipped, 0);
  const line = (f: ConsoleFigures['files'][number]) =>
    console.log(`  ${f.name.padEnd(28)} ${kb(f.bytes).padStart(9)} minified ${kb(f.gzipped).padStart(9)} gzipped`);
  console.log(`\nStaff console (/console/): first load ${kb(total)} gzipped in all`);
  for (const f of firstLoad) line(f);
  console.log('  loaded on first use (reports-*: the report pages with Chart.js):');
  for (const f of figures.files.filter((f) => f.when === 'onFirstUse')) line(f);
  console.log(
    `  first load to the sign-in form, cold cache, local server (median of ${LOADS}): ${typeof figures.firstLoadMs === 'number' ? `${figures.firstLoadMs.toFixed(0)} ms` : figures.firstLoadMs}`,
  );
}
