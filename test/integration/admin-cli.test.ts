/**
 * The staff CLI (`npm run admin`) as staff run it: a child process talking HTTP to the local server
 * (the one `npm start` runs), which invokes the real handlers against the emulator. The child gets
 * no AWS credentials: it signs in to the emulator's staff pool as a person (STAFF_USERNAME, ...) and
 * sends that person's ID token.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { localStaffAuth } from '../../scripts/lib/local-staff-auth';
import { requestStore } from '../../shared/adapters/wiring';
import { DEFAULT_DEADLINES } from '../../shared/domain/deadlines';
import { newRequest, newRequestId } from '../../shared/domain/requests';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The demo staff person of this file's pool, as a person sets them for the CLI. */
const signedInAsStaff = () => {
  const pool = localStaffAuth()!;
  return {
    STAFF_USERNAME: pool.users.staff.username,
    STAFF_PASSWORD: pool.users.staff.password,
    PRIVACY_STAFF_CLIENT_ID: pool.userPoolClientId,
    // The SDK's own per-service endpoint setting: the CLI's Cognito calls go to the emulator.
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: pool.cognitoEndpoint,
    AWS_REGION: pool.region,
  };
};

/** Runs `npm run admin -- ...args` the way the npm script does, without npm, against the test server. */
const admin = (...args: string[]) => adminWith(signedInAsStaff(), ...args);
const adminWith = (env: Record<string, string>, ...args: string[]) =>
  new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      // One process (tsx as a loader, not its CLI, which runs the script in a second one), so the
      // timeout's SIGTERM reaches the CLI itself. Generous: loading it takes seconds on a loaded machine.
      ['--import', 'tsx', join(REPO_ROOT, 'scripts/admin.ts'), ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_NO_WARNINGS: '1', ...env }, timeout: 100_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });

describe('admin CLI against the local server', () => {
  it('lists the policy versions with the one in force, as pretty JSON', async () => {
    const run = await admin('policies', 'list', '--url', server.url);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({
      current: settings.policy.version,
      items: expect.arrayContaining([expect.objectContaining({ version: settings.policy.version, url: settings.policy.url })]),
    });
    expect(run.stdout.split('\n').length).toBeGreaterThan(3);
  });

  it('lists an open request in the staff queue, as one line with --json', async () => {
    // Seeded through the store rather than the web form, so the test needs no mail or deadline jobs.
    const request = newRequest(
      { id: newRequestId(), type: 'access', channel: 'web', email: `cli-${randomUUID().slice(0, 8)}@example.com`, locale: 'th', status: 'open' },
      new Date(),
      DEFAULT_DEADLINES,
      'test',
    );
    await requestStore().create(request);

    const run = await admin('requests', 'list', '--json', '--url', server.url);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const answer = JSON.parse(run.stdout) as { items: { id: string; status: string; type: string }[] };
    expect(answer.items).toContainEqual(expect.objectContaining({ id: request.id, status: 'open', type: 'access' }));
  });

  it('answers an empty queue of done requests with no items', async () => {
    const run = await admin('requests', 'list', '--status', 'done', '--url', server.url);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ items: [] });
  });

  it('prints an API error to stderr in one line and exits 1', async () => {
    const run = await admin('requests', 'show', 'R-AAAAAAAAAA', '--url', server.url);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^HTTP 404 not_found: .+\n$/);
  });

  it('exits 1 with a clear message when the API cannot be reached', async () => {
    const run = await admin('policies', 'list', '--url', 'http://127.0.0.1:1');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot reach http://127.0.0.1:1');
  });

  it('is refused a DPO command as a staff person: the API\u2019s 403 on stderr, exit 1', async () => {
    const run = await admin('disclosures', 'list', '--url', server.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^HTTP 403 forbidden: .*data protection officer/);
  });

  it('exits 1 asking for a sign-in when no person is named for a deployed API', async () => {
    const run = await adminWith({}, 'requests', 'list', '--url', 'https://abc123.execute-api.ap-southeast-1.amazonaws.com');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('set STAFF_USERNAME');
  });

  it('exits 1 naming the failed sign-in for a wrong password, and calls nothing', async () => {
    const run = await adminWith({ ...signedInAsStaff(), STAFF_PASSWORD: 'not-the-password-1A!' }, 'requests', 'list', '--url', server.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Sign-in failed: /);
    expect(run.stdout).toBe('');
  });

  it('exits 2 with the usage text for an unknown command', async () => {
    const run = await admin('frobnicate', '--url', server.url);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stderr).toContain('usage: npm run admin -- <command> [options]');
  });
});
