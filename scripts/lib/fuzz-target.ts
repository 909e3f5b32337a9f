/**
 * The system `npm run fuzz` attacks, run as its child: the local mode (`startLocalSystem`, as
 * `npm start` builds it) on a free loopback port with its own private emulator, no workers and no
 * state file, so a running `npm start` is neither reused nor disturbed. Prints one JSON line when
 * ready; stops everything it started on SIGTERM, SIGINT or when its parent goes away (stdin closes).
 * Its own output is discarded by the parent: the handlers' logs never reach a terminal or a file.
 */
import { startLocalSystem } from './local-system';

process.env.LOG_LEVEL = 'silent';
// Always a private emulator: never fuzz the one another local process is using.
delete process.env.AWS_ENDPOINT_URL;

const system = await startLocalSystem({ port: 0, workers: false, writeState: false, tablePrefix: `fuzz-${process.pid}` });
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= system.stop().finally(() => process.exit(0));
  return stopping;
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ ready: true, url: system.url, pid: process.pid, emulatorPid: system.emulator.pid ?? null })}\n`);
