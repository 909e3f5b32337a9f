/**
 * `npm start`: runs the system locally against moto on a free port (or AWS_ENDPOINT_URL), serving
 * every route on http://127.0.0.1:$PORT (default 3000). Ctrl-C, SIGTERM and SIGHUP stop everything
 * it started.
 */
import { routeKey } from '../shared/routes';
import { relative } from 'node:path';
import { iamRoutes, PortInUseError, snapshotFile, startLocalSystem, type LocalSystem } from './lib/local-system';
import { MotoMissingError } from './lib/moto';
import { totpUri } from './lib/local-staff-auth';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}
// moto cannot save its state, so with --persist the local mode keeps the system's own: every table's
// items and every bucket's objects, written at a clean stop and loaded at the next start.
const persist = process.argv.includes('--persist') || (process.env.PERSIST !== undefined && process.env.PERSIST !== '0') ? snapshotFile(port) : undefined;

let system: LocalSystem | undefined;
let stopRequested: string | undefined;
const stop = async (signal: string) => {
  console.log(`\n${signal}: stopping the local server and the emulator...`);
  try {
    await system?.stop();
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
};
// The same clean stop however it is asked for: Ctrl-C, `kill PID` (SIGTERM), a closed terminal
// (SIGHUP). Listening from the first line: a signal during start-up stops it once it is up.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopRequested) return;
    stopRequested = signal;
    if (system) void stop(signal);
  });
}

try {
  system = await startLocalSystem({ port, writeState: true, workers: true, ...(persist ? { persist } : {}) });
  if (stopRequested) await stop(stopRequested);
  const machine = iamRoutes();
  if (machine.length) {
    console.warn(
      `WARNING: ${machine.length} machine route(s) need IAM (SigV4) auth in AWS and are served here WITHOUT signature checks, on loopback only:\n` +
        machine.map((r) => `  ${routeKey(r)}`).join('\n'),
    );
  }
  const { staff, dpo } = system.staffAuth.users;
  console.log(
    `Staff sign-in (local user pool ${system.staffAuth.userPoolId}, client ${system.staffAuth.userPoolClientId}; new passwords at every start):\n` +
      `  staff: ${staff.username} / ${staff.password}\n` +
      `  dpo:   ${dpo.username} / ${dpo.password}, then an authenticator code: TOTP secret ${dpo.totpSecret} (${totpUri(dpo)})`,
  );
  if (persist) {
    const loaded = system.restored ? `loaded ${system.restored.items} items and ${system.restored.objects} objects` : 'nothing saved yet';
    console.log(
      `Persisting to ${relative(process.cwd(), persist)} at a clean stop (${loaded}); queued deadline jobs are not kept, the sweep restarts their chains.`,
    );
  }
  console.log(`Shop privacy backend ready on ${system.url} (AWS emulator at ${system.emulator.endpoint}), demo shop at ${system.url}/demo/ - Ctrl-C to stop`);
} catch (error) {
  if (error instanceof MotoMissingError || error instanceof PortInUseError) {
    console.error(error.message);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
}
