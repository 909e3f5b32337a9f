/**
 * Function bundles: one esbuild pass builds every function (one esbuild run per function took a
 * minute of CPU per synth), each into its own directory `<handlerPath>/index.js` (+ `index.js.map`),
 * self-contained (no code splitting). A pass is skipped when nothing it read has changed since the
 * last one in the same directory. No CDK here: the bench and tests use it directly.
 */
import { type BuildOptions, buildSync, version as esbuildVersion } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './stage-config';

/** esbuild settings of every function; the bench uses them too, so it measures what is deployed. */
export const BUNDLING = {
  bundle: true,
  platform: 'node',
  // The functions' runtime (Node.js 24, see PrivacyFunction).
  target: 'node24',
  format: 'cjs',
  minify: true,
  // Minified class names would read "s": logs and stack traces must name the error (NotFoundError).
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  // Bundle the AWS SDK instead of using the runtime's copy (measured faster to load).
  external: [],
} as const satisfies BuildOptions;

/** The bundle file inside a function's directory; the Lambda handler is `index.handler`. */
export const BUNDLE_FILE = 'index.js';

/** Source file of a function, from its path under functions/ without extension. */
export function functionEntry(handlerPath: string, projectRoot = REPO_ROOT): string {
  return join(projectRoot, 'functions', `${handlerPath}.ts`);
}

/** Files whose change can alter how imports resolve without changing any file a bundle read. */
const RESOLUTION_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
const STATE_FILE = 'bundles.json';
/** Names in a directory that an import can resolve to. */
const RESOLVABLE = /^node_modules$|\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|json)$/;

interface PassState {
  /** Settings, esbuild version and entries of the pass. */
  key: string;
  /** Every file the pass read, relative to the project root. */
  inputs: string[];
  /** Hash of those files' contents, their directories' listings and RESOLUTION_FILES. */
  fingerprint: string;
}

/**
 * Bundles every handler into `outDir/<handlerPath>/` in one esbuild pass, unless the last pass into
 * `outDir` had the same settings and entries and none of the files it read (nor the listings of their
 * directories, nor the lock file) changed. Returns whether it built.
 */
export function bundleFunctions(handlerPaths: readonly string[], outDir: string, projectRoot = REPO_ROOT): { built: boolean } {
  const entries = [...new Set(handlerPaths)].sort();
  const key = sha256(JSON.stringify({ esbuildVersion, BUNDLING, entries, projectRoot }));
  const stateFile = join(outDir, STATE_FILE);
  if (isUpToDate(stateFile, key, entries, outDir, projectRoot)) return { built: false };

  // The state goes first and comes back last: an interrupted pass is never taken for a finished one.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    ...BUNDLING,
    external: [...BUNDLING.external],
    absWorkingDir: projectRoot,
    entryPoints: entries.map((handlerPath) => ({ in: functionEntry(handlerPath, projectRoot), out: join(handlerPath, 'index') })),
    outdir: outDir,
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  const state: PassState = { key, inputs, fingerprint: fingerprint(inputs, projectRoot) };
  writeFileSync(stateFile, JSON.stringify(state));
  return { built: true };
}

function isUpToDate(stateFile: string, key: string, entries: string[], outDir: string, projectRoot: string): boolean {
  if (!existsSync(stateFile)) return false;
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as PassState;
    if (state.key !== key) return false;
    if (!entries.every((e) => existsSync(join(outDir, e, BUNDLE_FILE)) && existsSync(join(outDir, e, `${BUNDLE_FILE}.map`)))) return false;
    return fingerprint(state.inputs, projectRoot) === state.fingerprint;
  } catch {
    // An input was deleted or the state is unreadable: build again.
    return false;
  }
}

function fingerprint(inputs: string[], projectRoot: string): string {
  const hash = createHash('sha256');
  for (const file of [...inputs, ...RESOLUTION_FILES]) {
    const path = join(projectRoot, file);
    hash.update(`${file}\0`);
    hash.update(existsSync(path) ? readFileSync(path) : 'missing');
  }
  // A new file beside an input can change what an import resolves to (x.ts next to x/index.ts, or a
  // node_modules folder); the installed packages change with the lock file.
  const ownDirectories = [...new Set(inputs.filter((f) => !f.includes('node_modules/')).map((f) => dirname(join(projectRoot, f))))].sort();
  for (const dir of ownDirectories) {
    const resolvable = existsSync(dir) ? readdirSync(dir).filter((name) => RESOLVABLE.test(name)) : [];
    hash.update(`${dir}\0${resolvable.sort().join('\0')}\0`);
  }
  return hash.digest('hex');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
