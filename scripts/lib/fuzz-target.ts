/**
 * The system `npm run fuzz` attacks, run as its child: the local mode (`startLocalSystem`, as
 * `npm start` builds it) on a free loopback port with its own private emulator, no workers and no
 * state file, so a running `npm start` is neither reused nor disturbed. Prints one JSON line when
 * ready; stops everything it started on SIGTERM, SIGINT or when its parent goes away (stdin closes).
 * A line `reset` on stdin resets the emulator and creates the resources again (see resetEmulator).
 * The parent reads only these JSON lines of its output: the handlers' logs never reach a terminal or a file.
 */
import { stageFromCdkJson } from '../../infra/stage-config';
import { prepareLocalAws } from './local-aws';
import { startLocalSystem } from './local-system';

process.env.LOG_LEVEL = 'silent';
// Always a private emulator: never fuzz the one another local process is using.
delete process.env.AWS_ENDPOINT_URL;

const prefix = `fuzz-${process.pid}`;
const system = await startLocalSystem({ port: 0, workers: false, writeState: false, tablePrefix: prefix });

/**
 * A fresh emulator with the same resources: moto slows down and grows with every transaction it has
 * taken (it copies the tables each may roll back), so a long run would end up measuring moto. The
 * parent asks only while no request is in flight; secrets and settings live in this process and stay.
 */
async function resetEmulator() {
  const res = await fetch(`${system.emulator.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`the emulator refused a reset (${res.status})`);
  await prepareLocalAws(stageFromCdkJson(process.env.LOCAL_STAGE ?? 'local'), { endpoint: system.emulator.endpoint, prefix, publicUrl: system.url });
}
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= system.stop().finally(() => process.exit(0));
  return stopping;
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
// The parent's one command: a line `reset`, answered by a line {"reset":true} (or the error's message).
let pending = '';
process.stdin.on('data', (chunk: Buffer) => {
  const lines = (pending + chunk.toString()).split('\n');
  pending = lines.pop() ?? '';
  for (let resets = lines.filter((l) => l.trim() === 'reset').length; resets > 0; resets--) {
    void resetEmulator().then(
      () => process.stdout.write(`${JSON.stringify({ reset: true })}\n`),
      (error: Error) => process.stdout.write(`${JSON.stringify({ reset: false, error: error.message })}\n`),
    );
  }
});
process.stdout.write(`${JSON.stringify({ ready: true, url: system.url, pid: process.pid, emulatorPid: system.emulator.pid ?? null })}\n`);
