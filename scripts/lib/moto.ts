/**
 * Starts moto's standalone server (a local AWS emulator for DynamoDB, SQS, SES, S3 and Cognito) on a free
 * loopback port and stops it by PID; or reuses the one named by AWS_ENDPOINT_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const MOTO_INSTALL_HINT =
  'moto_server was not found on PATH. Install the local AWS emulator with:  pip install "moto[server]"\n' +
  'If pip refuses (externally-managed-environment):  python3 -m venv ~/.venvs/moto && ~/.venvs/moto/bin/pip install "moto[server]"\n' +
  'then put ~/.venvs/moto/bin on PATH (or: pipx install "moto[server]").';

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
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Stops a child we started by PID: SIGTERM, then SIGKILL if it is still there after `graceMs`.
 * With `group`, the child was spawned detached (its own process group) and the signals go to the
 * whole group, so they also reach what a shell or npm started under it.
 */
export function stopProcess(child: ChildProcess, options: { group?: boolean; graceMs?: number; signal?: NodeJS.Signals } = {}): Promise<void> {
  return new Promise<void>((resolve) => {
    const pid = child.pid;
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
    const send = (signal: NodeJS.Signals) => {
      try {
        process.kill(options.group ? -pid : pid, signal);
      } catch {
        // gone already
      }
    };
    const force = setTimeout(() => send('SIGKILL'), options.graceMs ?? 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      // A grandchild in the group that ignored the signal must not outlive its parent.
      if (options.group) send('SIGKILL');
      resolve();
    });
    send(options.signal ?? 'SIGTERM');
  });
}

/** Whether a process with this PID exists (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startMoto(options: { reuse?: string; timeoutMs?: number } = {}): Promise<Emulator> {
  const reuse = options.reuse ?? process.env.AWS_ENDPOINT_URL;
  if (reuse) {
    await waitUntilUp(reuse, undefined, options.timeoutMs ?? 30_000);
    return { endpoint: reuse, stop: async () => {} };
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Not detached: it stays in our process group, so Ctrl-C in a terminal, or a test killing our
  // group, reaches it too even if this process cannot stop it itself. (The moto_server wrapper execs
  // python, so the PID is moto's own.)
  // TOTP on: moto then checks the codes of the staff pool's authenticator sign-ins instead of taking any.
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawned = await new Promise<boolean>((resolve, reject) => {
    child.once('spawn', () => resolve(true));
    child.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
  });
  if (!spawned) throw new MotoMissingError();
  // Last resort when this process exits without calling stop() (an uncaught error, process.exit):
  // 'exit' handlers must be synchronous, so it just gets SIGKILL.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    await stopProcess(child);
    process.removeListener('exit', killOnExit);
  };
  try {
    // Generous: moto imports a lot of Python on start, which takes seconds on a loaded machine.
    await waitUntilUp(endpoint, child, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return { endpoint, pid: child.pid, stop };
}
