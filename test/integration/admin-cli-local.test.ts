/**
 * The staff CLI against a running local mode, as a newcomer uses it: no sign-in settings at all. It
 * finds the instance (PORT), signs in as that instance's demo person of the group the command needs,
 * answering the DPO's TOTP challenge from the demo secret, and sends the ID token.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';
import { type LocalSystem, startLocalSystem } from '../../scripts/lib/local-system';

let system: LocalSystem;

beforeAll(async () => {
  // Registered under .local/instances like `npm start`, so the CLI finds it by PORT.
  system = await startLocalSystem({ port: 0, writeState: true, workers: false, tablePrefix: `cli-local-${randomUUID().slice(0, 8)}` });
});
afterAll(() => system?.stop());

const admin = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'scripts/admin.ts'), ...args],
      {
        cwd: REPO_ROOT,
        // No AWS settings and no STAFF_*: everything comes from the instance's file.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_NO_WARNINGS: '1', PORT: String(system.state.port) },
        timeout: 100_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });

describe('admin CLI against the running local mode', () => {
  it('signs in as the demo DPO by itself (TOTP answered) for a DPO command', async () => {
    const run = await admin('disclosures', 'list', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ items: [] });
  });

  it('signs in as the demo staff person with --as staff, who is refused the DPO command', async () => {
    const run = await admin('disclosures', 'list', '--as', 'staff');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^HTTP 403 forbidden: /);
  });
});
