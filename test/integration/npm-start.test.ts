/**
 * `npm start` as a newcomer runs it: its own emulator, one ready line, health, IAM warning, and a
 * clean stop on SIGTERM; and a clear message when moto is not installed.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';

const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.endsWith('_TABLE')));

function startLocal(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [TSX, 'scripts/local.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /ready on (http:\/\/127\.0\.0\.1:\d+) \(AWS emulator at (http:\/\/127\.0\.0\.1:\d+)\)/.exec(stdout);
      if (m) {
        clearInterval(timer);
        resolve(`${m[1]} ${m[2]}`);
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`exited before ready:\n${stdout}\n${stderr}`));
    });
  });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe('npm start', () => {
  it('starts its own emulator, serves health, warns about IAM routes, and stops both on SIGTERM', async () => {
    const local = startLocal({ ...cleanEnv(), PORT: '0' });
    const [url, emulator] = (await local.ready).split(' ');
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);
    expect((await fetch(`${emulator}/moto-api/`)).ok).toBe(true);
    expect(local.output().stderr).toMatch(/WITHOUT signature checks, on loopback only/);
    expect(local.output().stdout.match(/ready on/g)).toHaveLength(1);
    local.child.kill('SIGTERM');
    expect(await local.exited).toBe(0);
    await expect(fetch(`${emulator}/moto-api/`)).rejects.toThrow();
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
  });

  it('exits non-zero with the install command when moto_server is missing', async () => {
    const local = startLocal({ ...cleanEnv(), PORT: '0', PATH: dirname(process.execPath) });
    expect(await local.exited).not.toBe(0);
    expect(local.output().stderr).toContain('pip install "moto[server]"');
    await local.ready.catch(() => {});
  });
});
