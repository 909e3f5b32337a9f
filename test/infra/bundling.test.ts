import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLING, bundleFunctions } from '../../infra/bundling';
import { FunctionBundles } from '../../infra/constructs/function-bundles';
import { REPO_ROOT } from '../../infra/stage-config';

const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('function bundles: settings', () => {
  it('keep class names, so a bundled domain error is still called NotFoundError in logs and stack traces', () => {
    const outfile = join(tempDir('keep-names-'), 'index.js');
    buildSync({
      ...BUNDLING,
      external: [...BUNDLING.external],
      stdin: {
        contents: "export { NotFoundError } from './shared/domain/errors';",
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      outfile,
      logLevel: 'error',
    });
    const { NotFoundError } = createRequire(import.meta.url)(outfile) as { NotFoundError: new (what: string) => Error };
    const error = new NotFoundError('Consent for this visitor');
    expect(error.name).toBe('NotFoundError');
    expect(error.stack).toMatch(/^NotFoundError: Consent for this visitor not found/);
  });
});

describe('function bundles: one pass', () => {
  /** A throwaway project: functions/a.ts and functions/b.ts both import ./lib (a folder with index.ts). */
  const project = () => {
    const root = tempDir('bundle-project-');
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write('functions/lib/index.ts', "export const greeting = 'from-folder';\n");
    write('functions/a.ts', "import { greeting } from './lib';\nexport const handler = async () => 'a ' + greeting;\n");
    write('functions/b.ts', "import { greeting } from './lib';\nexport const handler = async () => 'b ' + greeting;\n");
    const out = join(root, 'out');
    const bundle = (file: string) => readFileSync(join(out, file, 'index.js'), 'utf8');
    return { root, out, write, bundle, build: () => bundleFunctions(['a', 'b'], out, root).built };
  };

  it('builds every function into its own directory, each bundle self-contained, with its source map', () => {
    const p = project();
    expect(p.build()).toBe(true);
    for (const fn of ['a', 'b']) {
      expect(p.bundle(fn)).toContain('from-folder');
      expect(p.bundle(fn)).toMatch(/handler:\(\)=>/);
      expect(JSON.parse(readFileSync(join(p.out, fn, 'index.js.map'), 'utf8')).sourcesContent).toBeUndefined();
    }
  });

  it('reuses the last pass when nothing it read changed', () => {
    const p = project();
    p.build();
    expect(p.build()).toBe(false);
  });

  it('builds again when a file a bundle read changes', () => {
    const p = project();
    p.build();
    p.write('functions/lib/index.ts', "export const greeting = 'changed';\n");
    expect(p.build()).toBe(true);
    expect(p.bundle('a')).toContain('changed');
  });

  it('builds again when a new file changes what an import resolves to', () => {
    const p = project();
    p.build();
    // ./lib now resolves to lib.ts instead of lib/index.ts, a file the last pass never read.
    p.write('functions/lib.ts', "export const greeting = 'from-file';\n");
    expect(p.build()).toBe(true);
    expect(p.bundle('b')).toContain('from-file');
  });

  it('builds again when a bundle went missing', () => {
    const p = project();
    p.build();
    rmSync(join(p.out, 'a'), { recursive: true });
    expect(p.build()).toBe(true);
    expect(p.bundle('a')).toContain('from-folder');
  });
});

describe('function bundles: in a stack', () => {
  it('gives a function that ships a file its own directory: the real bundle, its map and the file', () => {
    const data = join(tempDir('asn-'), 'GeoLite2-ASN.mmdb');
    writeFileSync(data, 'not a real database');
    const stack = new Stack(new App({ outdir: tempDir('cdk-out-') }), 'Bundled');
    const bundles = new FunctionBundles(stack, { handlerPaths: ['platform/get-health'] });
    const plain = bundles.directoryFor('platform/get-health');
    const withFile = bundles.directoryFor('platform/get-health', { 'asn.mmdb': data });
    expect(bundles.bundled).toBe(true);
    expect(withFile).not.toBe(plain);
    expect(readdirSync(plain).sort()).toEqual(['index.js', 'index.js.map']);
    expect(readdirSync(withFile).sort()).toEqual(['asn.mmdb', 'index.js', 'index.js.map']);
    expect(readFileSync(join(withFile, 'index.js'), 'utf8')).toBe(readFileSync(join(plain, 'index.js'), 'utf8'));
  });

  it('gives placeholder code when the synth skips bundling for the stack', () => {
    const app = new App({ outdir: tempDir('cdk-out-'), context: { 'aws:cdk:bundling-stacks': [] } });
    const bundles = new FunctionBundles(new Stack(app, 'Unbundled'), { handlerPaths: ['platform/get-health'] });
    expect(bundles.bundled).toBe(false);
    expect(readFileSync(join(bundles.directoryFor('platform/get-health'), 'index.js'), 'utf8')).toContain('without bundling');
  });
});
