/**
 * `npm run build:console`: bundles the staff console (shared/console/) once with esbuild into
 * build/console/: index.html, one hashed script and one hashed stylesheet. `npm start` serves that
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
  /** File names (relative to dir) of the script and the stylesheet. */
  js: string;
  css: string;
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
  const outputs = Object.keys(result.metafile!.outputs).map((p) => basename(p));
  const js = outputs.find((f) => f.endsWith('.js'))!;
  const css = outputs.find((f) => f.endsWith('.css'))!;
  const html = readFileSync(join(CONSOLE_SOURCE, 'index.html'), 'utf8').replace('{{JS}}', js).replace('{{CSS}}', css);
  writeFileSync(join(outDir, 'index.html'), html);
  const sizes: Record<string, number> = {};
  for (const file of [js, css, 'index.html']) sizes[file] = readFileSync(join(outDir, file)).length;
  return { dir: outDir, js, css, sizes };
}

if (process.argv[1]?.endsWith('build-console.ts')) {
  const built = buildConsole();
  console.log(
    `wrote ${built.dir}: ${Object.entries(built.sizes)
      .map(([f, n]) => `${f} ${(n / 1024).toFixed(1)} KB`)
      .join(', ')}`,
  );
}
