/**
 * Starts moto's standalone server (a local AWS emulator for DynamoDB, SQS, SES and S3) on a free
 * loopback port and stops it by PID; or reuses the one named by AWS_ENDPOINT_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const MOTO_INSTALL_HINT = 'moto_server was not found on PATH. Install the local AWS emulator with:  pip install "moto[server]"';

export class MotoMissingError extends Error {
  override name = 'MotoMissingError';
  constructor() {
    super(MOTO_INSTALL_HINT);
  }
}

export interface Emulator {
  endpoint: string;
  /** Set when this process started the emulator (and so must stop it). */
  pid?: number;
  stop(): Promise<void>;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

export async function startMoto(options: { reuse?: string; timeoutMs?: number } = {}): Promise<Emulator> {
  const reuse = options.reuse ?? process.env.AWS_ENDPOINT_URL;
  if (reuse) {
    await waitUntilUp(reuse, undefined, options.timeoutMs ?? 5_000);
    return { endpoint: reuse, stop: async () => {} };
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawned = await new Promise<boolean>((resolve, reject) => {
    child.once('spawn', () => resolve(true));
    child.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
  });
  if (!spawned) throw new MotoMissingError();
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  try {
    await waitUntilUp(endpoint, child, options.timeoutMs ?? 20_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return { endpoint, pid: child.pid, stop };
}
