/**
 * `npm run test:stress [-- --runs N]`: runs the whole `npm test` while two CPU-bound child processes
 * keep a 2-core machine busy, the conditions in which the suite used to flake. Prints one line per
 * run and a tally ("5 runs, 0 failed"); exits with the suite's code (the first failing run's, if any).
 *
 * Every process it starts is stopped by PID, also when a run fails or on Ctrl-C, SIGTERM or SIGHUP:
 * the burners directly, `npm test` as a process group (npm starts a shell, which starts vitest,
 * which starts moto and Chromium: one signal to the group reaches them all).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../infra/stage-config';
import { stopProcess } from './lib/moto';

const BURNERS = 2;

function options(): { runs: number } {
  try {
    const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' } } });
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1, got "${values.runs}"`);
    return { runs };
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm run test:stress [-- --runs N]`);
    process.exit(2);
  }
}

const { runs } = options();
const burners: ChildProcess[] = [];
let suite: ChildProcess | undefined;

/** A busy loop in a fresh Node process: one full core each, for as long as it runs. */
const startBurner = () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });

async function stopAll() {
  await Promise.all([
    ...burners.splice(0).map((b) => stopProcess(b, { graceMs: 2_000 })),
    // SIGINT, as Ctrl-C in a terminal would send it: vitest then tears down its moto and browsers.
    ...(suite ? [stopProcess(suite, { group: true, signal: 'SIGINT', graceMs: 30_000 })] : []),
  ]);
}

// Synchronous last resort: whatever is still running when this process exits gets SIGKILL.
process.once('exit', () => {
  for (const b of burners) b.kill('SIGKILL');
  if (suite?.pid !== undefined && suite.exitCode === null && suite.signalCode === null) {
    try {
      process.kill(-suite.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the suite and the CPU burners...`);
    void stopAll().then(() => process.exit(130));
  });
}

function runSuite(): Promise<number> {
  return new Promise((resolve) => {
    // Detached: its own process group, so stopping it reaches npm's shell and everything under it.
    suite = spawn('npm', ['test'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    suite.once('error', (error) => {
      console.error(`cannot start npm test: ${error.message}`);
      resolve(1);
    });
    suite.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

const results: { run: number; code: number; seconds: number }[] = [];
try {
  for (let i = 0; i < BURNERS; i++) burners.push(startBurner());
  console.log(`stress: ${BURNERS} CPU-bound processes running (PIDs ${burners.map((b) => b.pid).join(', ')}); ${runs} run(s) of npm test`);
  for (let run = 1; run <= runs && !interrupted; run++) {
    const started = Date.now();
    const code = await runSuite();
    suite = undefined;
    const seconds = Math.round((Date.now() - started) / 1000);
    results.push({ run, code, seconds });
    console.log(`stress: run ${run}/${runs} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s`);
  }
} finally {
  await stopAll();
}
const failed = results.filter((r) => r.code !== 0);
console.log(
  `stress: ${results.length} ${results.length === 1 ? 'run' : 'runs'}, ${failed.length} failed${failed.length ? ` (run ${failed.map((f) => f.run).join(', ')})` : ''}`,
);
process.exit(failed[0]?.code ?? 0);
