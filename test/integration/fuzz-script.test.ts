/**
 * `npm run fuzz` kept working with a tiny count: it starts its own local mode, sends the count to
 * every public route, prints the table, exits 1 exactly when a 5xx (or failed connection) was
 * seen, and leaves no process behind, also when interrupted with Ctrl-C (SIGINT).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';
import { ROUTES, routeKey } from '../../shared/routes';

const PUBLIC = ROUTES.filter((r) => r.auth === 'public');
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.endsWith('_TABLE')));

const started: ChildProcess[] = [];
afterEach(() => {
  // Only if a test failed half-way: the fuzz stops its own children, and this stops the fuzz.
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function runFuzz(args: string[]) {
  // As package.json's `fuzz` script runs it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/fuzz.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...cleanEnv(), NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The line that names the processes the fuzz started, awaited as an event (no polling).
  const ready = new Promise<{ pid: number; emulatorPid: number }>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /local mode ready on http:\/\/127\.0\.0\.1:\d+ \(pid (\d+), emulator pid (\d+)\)/.exec(stderr);
      if (m) resolve({ pid: Number(m[1]), emulatorPid: Number(m[2]) });
    });
    void exited.then(() => reject(new Error(`fuzz exited before its local mode was ready:\n${stderr}`)));
  });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The table's rows: route key → sent count and the status columns. */
function parseTable(stdout: string) {
  const lines = stdout.split('\n');
  const headerAt = lines.findIndex((l) => l.startsWith('route '));
  const header = lines[headerAt]!.trim().split(/\s{2,}/);
  const rows = new Map<string, Record<string, number>>();
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.trim()) break;
    const key = PUBLIC.map(routeKey).find((k) => line.startsWith(`${k} `));
    if (!key) break;
    // Cells are right-aligned under their header; read each column at its header's end position.
    const cells: Record<string, number> = {};
    for (const [i, name] of header.entries()) {
      if (i === 0) continue;
      const end = lines[headerAt]!.indexOf(name) + name.length;
      const cell = line.slice(0, end).trimEnd().split(/\s+/).at(-1);
      if (line.slice(0, end).endsWith(' ') || !cell) continue;
      cells[name] = Number(cell);
    }
    rows.set(key, cells);
  }
  return rows;
}

describe('npm run fuzz', () => {
  it('sends --count requests to every public route, resetting the emulator every --reset-every, tabulates the answers, and exits 1 exactly when a 5xx was seen', {
    timeout: 240_000,
  }, async () => {
    const fuzz = runFuzz(['--count', '20', '--seed', '7', '--concurrency', '4', '--reset-every', '100']);
    const { pid, emulatorPid } = await fuzz.ready;
    const code = await fuzz.exited;
    const { stdout } = fuzz.output();
    const rows = parseTable(stdout);
    expect([...rows.keys()]).toEqual(PUBLIC.map(routeKey));
    for (const [key, cells] of rows) {
      expect(cells.sent, key).toBe(20);
      const answered = Object.entries(cells)
        .filter(([name]) => name !== 'sent')
        .reduce((sum, [, n]) => sum + n, 0);
      expect(answered, key).toBe(20);
    }
    const failures = [...rows.values()].some((cells) => Object.keys(cells).some((name) => name === 'ERR' || Number(name) >= 500));
    expect(code).toBe(failures ? 1 : 0);
    expect(stdout).toContain(failures ? 'one example each' : 'No 5xx and no failed connection.');
    // Every public route x 20 requests: a reset after each 100th with more to send, each with nothing in flight.
    expect(stdout).toContain(`was reset ${Math.floor((PUBLIC.length * 20 - 1) / 100)} time(s) (every 100 requests)`);
    expect(alive(pid), 'the local mode is stopped').toBe(false);
    expect(alive(emulatorPid), 'its emulator is stopped').toBe(false);
  });

  it('stops its local mode and emulator when interrupted with Ctrl-C, and still prints the table', { timeout: 240_000 }, async () => {
    const fuzz = runFuzz(['--count', '100000', '--seconds', '600', '--seed', '8', '--concurrency', '2']);
    const { pid, emulatorPid } = await fuzz.ready;
    fuzz.child.kill('SIGINT');
    const code = await fuzz.exited;
    const { stdout } = fuzz.output();
    expect(stdout).toContain('Interrupted: the table covers the requests answered so far.');
    expect(stdout).toMatch(/^route\s+sent/m);
    expect([1, 130]).toContain(code);
    expect(alive(pid), 'the local mode is stopped').toBe(false);
    expect(alive(emulatorPid), 'its emulator is stopped').toBe(false);
  });

  it('refuses a count that is not a positive whole number, before starting anything', async () => {
    const fuzz = runFuzz(['--count', 'many']);
    expect(await fuzz.exited).toBe(2);
    expect(fuzz.output().stderr).toContain('--count must be a positive whole number');
    await fuzz.ready.catch(() => {});
  });
});
