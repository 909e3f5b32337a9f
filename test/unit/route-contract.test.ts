import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';
import * as routeTable from '../../shared/routes';
import { ROUTES } from '../../shared/routes';

const handlerSource = (handler: string) => readFileSync(join(REPO_ROOT, 'functions', `${handler}.ts`), 'utf8');

describe('route contract', () => {
  it('exports each route as <id>Route, the same entry ROUTES lists', () => {
    const exported = new Map<string, unknown>(Object.entries(routeTable));
    for (const r of ROUTES) expect(exported.get(`${r.id}Route`), r.id).toBe(r);
  });

  it('has every handler validate with its route entry\u2019s schemas instead of declaring its own', () => {
    for (const r of ROUTES.filter((route) => route.request)) {
      const source = handlerSource(r.handler);
      expect(source, r.handler).toContain(`${r.id}Route.request`);
      expect(source, r.handler).not.toMatch(/route\(\{\s*(body|path|query):/);
    }
  });

  it('keeps a handler\u2019s bundle to its own route entry, not the whole table', async () => {
    const out = await build({
      entryPoints: [join(REPO_ROOT, 'functions', 'consent', 'capture-consent.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
    });
    const bundle = out.outputFiles[0]!.text;
    expect(bundle).toContain('"/v1/consents"');
    for (const other of ['/v1/visits', '/v1/admin/requests/{id}/complete', '/v1/unsubscribe']) expect(bundle).not.toContain(`"${other}"`);
  });
});
