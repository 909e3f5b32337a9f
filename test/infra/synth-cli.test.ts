import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';
import { ROUTES } from '../../shared/routes';
import { WORKERS } from '../../shared/workers';

/**
 * The CLI runs as a child process. The one test that bundles for real takes ~20 s on a quiet machine and
 * several times that on a busy 2-core one; a refused stage fails within seconds when the machine is quiet.
 */
const REAL_SYNTH_TIMEOUT_MS = 300_000;
const REFUSED_SYNTH_TIMEOUT_MS = 120_000;

type LambdaResource = { Type: string; Metadata: { 'aws:asset:path': string }; Properties: { Description: string } };

describe('cdk synth (the devops path)', () => {
  it(
    'synthesises the prod stage offline, without credentials or Docker, and cdk-nag passes; every function has its own bundle',
    () => {
      const out = mkdtempSync(join(tmpdir(), 'synth-'));
      try {
        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
        const run = spawnSync('npx', ['cdk', 'synth', '-q', '-c', 'stage=prod', '-o', out], {
          cwd: REPO_ROOT,
          env: { ...env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DOCKER: 'false-docker-must-not-be-used' },
          encoding: 'utf8',
          timeout: REAL_SYNTH_TIMEOUT_MS - 10_000,
        });
        expect(run.status, run.stderr).toBe(0);
        const template = JSON.parse(readFileSync(join(out, 'ShopPrivacy-prod.template.json'), 'utf8'));
        const functions = Object.values(template.Resources as Record<string, LambdaResource>).filter((r) => r.Type === 'AWS::Lambda::Function');
        // ...and the staff pool's pre-token-generation trigger.
        expect(functions).toHaveLength(ROUTES.length + WORKERS.length + 1);
        const assetDirs = functions.map((f) => f.Metadata['aws:asset:path']);
        expect(new Set(assetDirs).size, 'every function has its own asset').toBe(functions.length);
        for (const dir of assetDirs) {
          expect(readdirSync(join(out, dir)).sort()).toEqual(['index.js', 'index.js.map']);
          // esbuild's CommonJS export of `handler`, minified: the bundle exports the handler itself.
          expect(readFileSync(join(out, dir, 'index.js'), 'utf8')).toMatch(/\bhandler:\(\)=>/);
        }
        const getConsent = functions.find((f) => f.Properties.Description.startsWith('GET /v1/consents/'))!;
        expect(readFileSync(join(out, getConsent.Metadata['aws:asset:path'], 'index.js'), 'utf8')).toContain('"NotFoundError"');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    REAL_SYNTH_TIMEOUT_MS,
  );

  it(
    'refuses an unknown stage with a message naming the known ones',
    () => {
      const run = spawnSync('npx', ['cdk', 'synth', '-q', '-c', 'stage=nope', '-o', join(tmpdir(), 'synth-unknown')], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: REFUSED_SYNTH_TIMEOUT_MS - 10_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/Unknown stage "nope".*local, dev, prod/);
    },
    REFUSED_SYNTH_TIMEOUT_MS,
  );
});
