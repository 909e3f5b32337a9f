/**
 * `npm start` as a newcomer runs it: its own emulator, one ready line naming the demo shop, health,
 * IAM warning, and a clean stop on SIGTERM or SIGHUP (server, emulator and its own state file); a
 * one-line refusal of a taken port; two instances side by side that the local commands tell apart;
 * and a clear message when moto is not installed.
 *
 * `npm start` runs through npm; the other local commands as their npm scripts run them. Each child
 * has its own process group, which its emulator joins; every group still running after a test,
 * passed or failed, is stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';
import { instanceFile, type LocalState } from '../../scripts/lib/local-system';
import { isRunning, stopProcess } from '../../scripts/lib/moto';

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.endsWith('_TABLE') && k !== 'PORT'));
/** Start-up on a loaded 2-core machine: moto's Python imports plus the handlers' first load. */
const START_TIMEOUT = 180_000;

interface Started {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
}
const started = new Set<Started>();

/** Runs a command in its own process group, so that stopping the group reaches all it started. */
function spawnGroup(command: string, args: string[], env: Record<string, string | undefined>): Started {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const handle: Started = { child, exited, output: () => ({ stdout, stderr }) };
  started.add(handle);
  void exited.then(() => started.delete(handle));
  return handle;
}

/** Resolves with the ready line's URLs as soon as it is printed; rejects if the process exits first. */
function ready(local: Started): Promise<{ url: string; emulator: string; demo: string }> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = /ready on (http:\/\/127\.0\.0\.1:\d+) \(AWS emulator at (http:\/\/127\.0\.0\.1:\d+)\), demo shop at (\S+)/.exec(local.output().stdout);
      if (!m) return;
      local.child.stdout!.off('data', check);
      resolve({ url: m[1]!, emulator: m[2]!, demo: m[3]! });
    };
    local.child.stdout!.on('data', check);
    void local.exited.then(() => reject(new Error(`exited before ready:\n${local.output().stdout}\n${local.output().stderr}`)));
  });
}

/** `npm start` itself, through npm, so signals take the path they take for a newcomer. */
const npmStart = (env: Record<string, string> = {}) => spawnGroup('npm', ['start', '--silent'], { ...cleanEnv(), PORT: '0', ...env });
/** A local command as its npm script runs it (`node --import tsx`), without npm's start-up. */
const run = (script: string, args: string[], env: Record<string, string | undefined>) =>
  spawnGroup(process.execPath, ['--import', 'tsx', script, ...args], env);
const stateOf = (url: string) => JSON.parse(readFileSync(instanceFile(Number(new URL(url).port)), 'utf8')) as LocalState;

afterEach(async () => {
  // Passed or failed: SIGTERM to each group still running (its own stop, and the emulator in the
  // same group), SIGKILL for the group if it is still there after 30 s.
  await Promise.all([...started].map((local) => stopProcess(local.child, { group: true, graceMs: 30_000 })));
}, START_TIMEOUT);

describe('npm start', () => {
  // SIGTERM goes to npm, which passes it on. npm does not pass SIGHUP on, but a closing terminal
  // sends it to the whole foreground group: the local system's own process gets it directly.
  it.each([
    ['SIGTERM', 'npm start', () => npmStart()],
    ['SIGHUP', 'the local system', () => run('scripts/local.ts', [], { ...cleanEnv(), PORT: '0' })],
  ] as const)(
    'starts its own emulator, serves health and the demo shop, warns about IAM routes, and stops both on %s to %s',
    async (signal, _to, start) => {
      const local = start();
      const { url, emulator, demo } = await ready(local);
      const state = stateOf(url);
      expect(state).toMatchObject({ url, endpoint: emulator, pid: expect.any(Number), emulatorPid: expect.any(Number) });
      expect(demo).toBe(`${url}/demo/`);
      expect((await fetch(`${url}/v1/health`)).status).toBe(200);
      expect((await fetch(demo)).status).toBe(200);
      expect((await fetch(`${emulator}/moto-api/`)).ok).toBe(true);
      expect(local.output().stderr).toMatch(/WITHOUT signature checks, on loopback only/);
      expect(local.output().stdout.match(/ready on/g)).toHaveLength(1);

      // To that process alone, not its group (the emulator must be stopped by it, not by the signal).
      local.child.kill(signal);
      expect(await local.exited).toEqual({ code: 0, signal: null });
      expect(isRunning(state.pid)).toBe(false);
      expect(isRunning(state.emulatorPid!)).toBe(false);
      expect(existsSync(instanceFile(state.port))).toBe(false);
      await expect(fetch(`${emulator}/moto-api/`)).rejects.toThrow();
      await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
    },
    START_TIMEOUT,
  );

  it('says in one line that the port is taken and how to pick another, and exits 1', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const local = npmStart({ PORT: String(port) });
      expect(await local.exited).toEqual({ code: 1, signal: null });
      const { stdout, stderr } = local.output();
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(`Port ${port} is already in use`)]);
      expect(stderr).toContain('PORT=3001 npm start');
      expect(stdout).not.toContain('ready');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it(
    'keeps two instances apart: the local commands ask which one, --port picks it, and stopping one leaves the other reachable',
    async () => {
      const first = npmStart();
      const second = npmStart();
      const [a, b] = await Promise.all([ready(first), ready(second)]);
      const [portA, portB] = [new URL(a.url).port, new URL(b.url).port];
      const clock = async (args: string[], env: Record<string, string> = {}) => {
        const cmd = run('scripts/clock.ts', args, { ...cleanEnv(), ...env });
        return { ...(await cmd.exited), ...cmd.output() };
      };

      const unnamed = await clock([]);
      expect(unnamed.code).toBe(1);
      expect(unnamed.stderr).toMatch(/local systems are running \(ports [\d, ]+\): name one with PORT or --port/);
      expect(unnamed.stderr).toContain(portA);
      expect(unnamed.stderr).toContain(portB);

      expect(await clock(['+1d', '--port', portB])).toMatchObject({ code: 0, stdout: expect.stringContaining('+1.00 days') });
      expect(await clock([], { PORT: portA })).toMatchObject({ code: 0, stdout: expect.stringContaining('+0.00 days') });

      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(existsSync(instanceFile(Number(portA)))).toBe(true);
      expect(await clock(['--port', portA])).toMatchObject({ code: 0, stdout: expect.stringContaining('+0.00 days') });
      const gone = await clock(['--port', portB]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(`No local system is running on port ${portB}`);
    },
    START_TIMEOUT,
  );

  it('exits non-zero with the install command when moto_server is missing', async () => {
    const local = npmStart({ PATH: dirname(process.execPath) });
    expect((await local.exited).code).not.toBe(0);
    expect(local.output().stderr).toContain('pip install "moto[server]"');
  });
});
