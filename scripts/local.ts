/**
 * `npm start`: runs the system locally against moto on a free port (or AWS_ENDPOINT_URL), serving
 * every route on http://127.0.0.1:$PORT (default 3000). Ctrl-C stops everything it started.
 */
import { routeKey } from '../shared/routes';
import { iamRoutes, startLocalSystem } from './lib/local-system';
import { MotoMissingError } from './lib/moto';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}

try {
  const system = await startLocalSystem({ port, writeState: true, workers: true });
  const staff = iamRoutes();
  if (staff.length) {
    console.warn(
      `WARNING: ${staff.length} route(s) need IAM (SigV4) auth in AWS and are served here WITHOUT signature checks, on loopback only:\n` +
        staff.map((r) => `  ${routeKey(r)}`).join('\n'),
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local server and the emulator...`);
    await system.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  console.log(`Shop privacy backend ready on ${system.url} (AWS emulator at ${system.emulator.endpoint}); Ctrl-C to stop`);
} catch (error) {
  if (error instanceof MotoMissingError) {
    console.error(error.message);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
}
