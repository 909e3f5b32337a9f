import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';

describe('cdk synth (the devops path)', () => {
  it('synthesises the prod stage offline, without credentials or Docker, and cdk-nag passes', () => {
    const out = mkdtempSync(join(tmpdir(), 'synth-'));
    try {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
      const run = spawnSync('npx', ['cdk', 'synth', '-q', '-c', 'stage=prod', '-o', out], {
        cwd: REPO_ROOT,
        env: { ...env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DOCKER: 'false-docker-must-not-be-used' },
        encoding: 'utf8',
        timeout: 110_000,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(existsSync(join(out, 'ShopPrivacy-prod.template.json'))).toBe(true);
      expect(readdirSync(out).filter((f) => f.startsWith('asset.')).length).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses an unknown stage with a message naming the known ones', () => {
    const run = spawnSync('npx', ['cdk', 'synth', '-q', '-c', 'stage=nope', '-o', join(tmpdir(), 'synth-unknown')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Unknown stage "nope".*local, dev, prod/);
  });
});
