/**
 * Handler bundles carry only what the handler uses (issue 13: the mail-sending functions were 55 to
 * 120 KB over their floor). esbuild drops an unused module-level value only when it can tell that
 * building it has no side effects; these tests keep the shared modules that way.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLING } from '../../infra/bundling';
import { REPO_ROOT } from '../../infra/stage-config';
import { TABLES } from '../../shared/resources';

/** Bundles `contents` (an entry in the project root) with the deployed settings; answers the output and its bytes from a file or folder. */
async function bundleBytes(contents: string, plugins: Plugin[] = []): Promise<{ text: string; bytesOf: (file: string) => number }> {
  const out = await build({
    ...BUNDLING,
    external: [...BUNDLING.external],
    sourcemap: false,
    absWorkingDir: REPO_ROOT,
    stdin: { contents, resolveDir: REPO_ROOT, loader: 'ts' },
    write: false,
    outfile: 'out.js',
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
  const inputs = Object.values(out.metafile.outputs)[0]!.inputs;
  return {
    text: out.outputFiles[0]!.text,
    bytesOf: (file) => Object.entries(inputs).reduce((sum, [input, { bytesInOutput }]) => sum + (input.startsWith(file) ? bytesInOutput : 0), 0),
  };
}

/**
 * Makes esbuild treat the project's TypeScript files under `dir` as having side effects (the
 * package.json says none), so that importing one keeps every module-level statement it cannot prove pure.
 */
const withSideEffects = (dir: string): Plugin => ({
  name: 'with-side-effects',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = `${join(args.resolveDir, args.path)}.ts`;
      return path.startsWith(join(REPO_ROOT, dir)) && existsSync(path) ? { path, sideEffects: true } : undefined;
    });
  },
});

describe('tree shaking', () => {
  const schemaModules = readdirSync(join(REPO_ROOT, 'shared', 'schemas')).filter((f) => f.endsWith('.ts'));

  it.each(schemaModules)('drops every schema of shared/schemas/%s that a bundle does not use', async (file) => {
    const name = file.replace(/\.ts$/, '');
    const { bytesOf } = await bundleBytes(`import './shared/schemas/${name}';`, [withSideEffects('shared/schemas/')]);
    expect(bytesOf(`shared/schemas/${file}`)).toBe(0);
  });

  it('finds a table\u2019s name without bundling the definitions of the tables', async () => {
    const { text } = await bundleBytes("import { tableName } from './shared/config';\nexport const requests = () => tableName('requests');");
    expect(text).toContain('REQUESTS_TABLE');
    for (const def of Object.values(TABLES)) expect(text, def.id).not.toContain(def.purpose.slice(0, 30));
  });

  it.each(['members', 'fulfilment'])('keeps no zod in a bundle that imports shared/adapters/wiring/%s but never reads its settings', async (name) => {
    const { bytesOf } = await bundleBytes(`import './shared/adapters/wiring/${name}';`, [withSideEffects('shared/')]);
    expect(bytesOf('node_modules/zod/')).toBe(0);
  });

  it.each(['process-jobs', 'sweep-chains'])(
    'keeps zod and the secret reader out of the deadline worker %s: it checks its configuration and its queue\u2019s jobs without zod and reads no key',
    async (name) => {
      const { bytesOf } = await bundleBytes(`export { handler } from './functions/deadlines/${name}';`);
      expect(bytesOf('shared/config.ts')).toBeGreaterThan(0);
      expect(bytesOf('node_modules/zod/')).toBe(0);
      // Granted no secret: suppressing an address and sending its notice need no key.
      expect(bytesOf('node_modules/@aws-sdk/client-secrets-manager/')).toBe(0);
    },
  );

  it.each([
    ['dpo/record-breach', false],
    ['dpo/record-processor', false],
    ['dpo/decide-breach-notice', true],
  ])('bundles the breach notice to the people affected into %s only where it can be owed and sent (%s)', async (entry, carries) => {
    const { text } = await bundleBytes(`export { handler } from './functions/${entry}';`);
    expect(text.includes('A personal-data breach concerning your data')).toBe(carries);
  });

  it.each([
    ['fulfilment/confirm-fulfilment', false],
    ['admin/override-fulfilment', false],
    ['requests/confirm-request', true],
  ])('bundles the suppression of a request\u2019s address and its notice into %s only where it can be owed (%s)', async (entry, carries) => {
    const { text } = await bundleBytes(`export { handler } from './functions/${entry}';`);
    expect(text.includes('You have been unsubscribed from newsletters and promotions')).toBe(carries);
  });

  it('gives the request form the viewer\u2019s address without the ASN database reader', async () => {
    const { bytesOf } = await bundleBytes("export { handler } from './functions/requests/submit-request';");
    expect(bytesOf('shared/adapters/viewer-address.ts')).toBeGreaterThan(0);
    expect(bytesOf('node_modules/mmdb-lib/')).toBe(0);
  });

  it('keeps the other ISO schemas (time, duration) out of a bundle that checks dates and date-times', async () => {
    const { text } = await bundleBytes("export { IsoDateTime, isoDate } from './shared/schemas/common';");
    expect(text).toContain('ZodMiniISODateTime');
    for (const other of ['ZodMiniISOTime', 'ZodMiniISODuration']) expect(text).not.toContain(other);
  });
});
