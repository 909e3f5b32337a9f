/**
 * `npm run build:console`: bundles the staff console (shared/console/) once with esbuild into
 * build/console/: index.html, the hashed entry script with the chunks it imports (preloaded by the
 * page, so they arrive together), one hashed stylesheet, and a hashed chunk per dynamic import that
 * loads on first use (the report pages with Chart.js). `npm start` serves that
 * directory at /console/; the CDK stack builds it into its cloud assembly and deploys it to the
 * console's bucket. Build output, not committed.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPO_ROOT } from '../infra/stage-config';

export const CONSOLE_SOURCE = join(REPO_ROOT, 'shared', 'console');
export const CONSOLE_BUILD_DIR = join(REPO_ROOT, 'build', 'console');

export interface ConsoleBuild {
  dir: string;
  /** File names (relative to dir) of the entry script and the stylesheet. */
  js: string;
  css: string;
  /** Chunks the entry imports statically: part of the first load (the page preloads them). */
  preload: string[];
  /** Chunks loaded on first use, each named after the module that starts it (`reports-<hash>.js`: the report pages with Chart.js). */
  lazy: string[];
  /** Bytes of each output file. */
  sizes: Record<string, number>;
}

export function buildConsole(outDir: string = CONSOLE_BUILD_DIR): ConsoleBuild {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    entryPoints: [join(CONSOLE_SOURCE, 'main.tsx'), join(CONSOLE_SOURCE, 'console.css')],
    outdir: outDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    // Dynamic imports become chunks of their own, with flat hashed names (the server serves one level).
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    // Thai as UTF-8 (3 bytes a letter) rather than \uXXXX escapes (6): the page and script are served as UTF-8.
    charset: 'utf8',
    metafile: true,
    logLevel: 'silent',
    // Some shared/domain modules the console takes constants and pure functions from also import
    // node:crypto for server work the console never calls: a stub that throws stands in for it.
    alias: { 'node:crypto': join(CONSOLE_SOURCE, 'node-crypto-stub.ts') },
  });
  const outputs = result.metafile!.outputs;
  const name = (p: string) => basename(p);
  const entryPath = (source: string) => Object.keys(outputs).find((p) => outputs[p]!.entryPoint?.endsWith(source))!;
  const main = entryPath('main.tsx');
  const js = name(main);
  const css = name(entryPath('console.css'));
  const firstLoad = new Set<string>();
  const visit = (p: string) => {
    for (const i of outputs[p]!.imports) {
      if (i.kind !== 'import-statement' || firstLoad.has(i.path)) continue;
      firstLoad.add(i.path);
      visit(i.path);
    }
  };
  visit(main);
  const preload = [...firstLoad].map(name);
  const lazy = Object.keys(outputs)
    .filter((p) => p !== main && !firstLoad.has(p) && p.endsWith('.js'))
    .map(name);
  const preloadLinks = preload.map((f) => `<link rel="modulepreload" href="${f}" />`).join('\n    ');
  const html = readFileSync(join(CONSOLE_SOURCE, 'index.html'), 'utf8').replace('{{JS}}', js).replace('{{CSS}}', css).replace('{{PRELOAD}}', preloadLinks);
  writeFileSync(join(outDir, 'index.html'), html);
  const sizes: Record<string, number> = {};
  for (const file of [js, ...preload, ...lazy, css, 'index.html']) sizes[file] = readFileSync(join(outDir, file)).length;
  return { dir: outDir, js, css, preload, lazy, sizes };
}

if (process.argv[1]?.endsWith('build-console.ts')) {
  const built = buildConsole();
  console.log(
    `wrote ${built.dir}: ${Object.entries(built.sizes)
      .map(([f, n]) => `${f} ${(n / 1024).toFixed(1)} KB`)
      .join(', ')}`,
  );
}
