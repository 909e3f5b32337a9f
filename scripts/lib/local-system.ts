/**
 * The whole system on one machine: emulator, resources, environment, HTTP server. `npm start` and the
 * integration tests both boot it through here, so the tests exercise what a newcomer runs.
 */
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync, readdirSync, renameSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT, stageFromCdkJson, type StageSettings } from '../../infra/stage-config';
import { ROUTES } from '../../shared/routes';
import { readSnapshot, restoreSnapshot, takeSnapshot, writeSnapshot } from './local-snapshot';
import { prepareLocalAws } from './local-aws';
import { freePort, isRunning, startMoto, type Emulator } from './moto';
import { startLocalServer, type LocalServerOptions } from './local-server';
import type { StaffAuthConfig } from './local-staff-auth';
import { startLocalWorkers, type LocalWorkers } from './local-workers';
import { parseClockChange } from './clock';
import { serveDemo } from './demo';
import { CONSOLE_COGNITO_PROXY, consoleHandler } from './console-serve';
import { clockShift, systemClock } from '../../shared/adapters/clock';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Where each running `npm start` tells the other local commands (inbox, outbox, admin, clock) how to
 * reach it: one file per port, so a second instance neither takes over nor strands the first.
 */
export const INSTANCES_DIR = join(REPO_ROOT, '.local', 'instances');
export const instanceFile = (port: number) => join(INSTANCES_DIR, `${port}.json`);
/** Where `npm start -- --persist` keeps an instance's data between runs, per port. */
export const snapshotFile = (port: number) => join(REPO_ROOT, '.local', 'snapshots', `${port}.json`);

export interface LocalState {
  url: string;
  endpoint: string;
  prefix: string;
  stage: string;
  pid: number;
  port: number;
  /** moto_server's PID when this instance started it: what to stop if it is ever left behind. */
  emulatorPid?: number;
  /** The emulator's staff pool and its demo people (local-only passwords), for the staff CLI and console. */
  staffAuth?: StaffAuthConfig;
}

/** `npm start` found its port taken: said in one line, before any emulator is started. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`Port ${port} is already in use (another \`npm start\`?). Pick another one, e.g.  PORT=${port === 3001 ? 3002 : 3001} npm start`);
  }
}

/** Resolves when nothing listens on 127.0.0.1:port; rejects with PortInUseError otherwise. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** The running instances, from their state files; files left by a process that died are removed. */
export function runningInstances(): LocalState[] {
  if (!existsSync(INSTANCES_DIR)) return [];
  const alive: LocalState[] = [];
  for (const name of readdirSync(INSTANCES_DIR).filter((n) => n.endsWith('.json'))) {
    const file = join(INSTANCES_DIR, name);
    let state: LocalState;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as LocalState;
    } catch {
      continue; // being written right now, or not ours
    }
    if (isRunning(state.pid)) alive.push(state);
    else rmSync(file, { force: true });
  }
  return alive.sort((a, b) => a.port - b.port);
}

/**
 * The instance a local command talks to: the one on `port` (from `--port` or PORT), else the only
 * one running. With several running and none named, it asks for a port rather than guess.
 */
export function readLocalState(port = portFromEnv()): LocalState {
  const instances = runningInstances();
  if (port !== undefined) {
    const named = instances.find((i) => i.port === port);
    if (named) return named;
    const others = instances.length ? ` Running: ${instances.map((i) => `port ${i.port}`).join(', ')}.` : '';
    throw new Error(`No local system is running on port ${port}: start it with \`PORT=${port} npm start\` in another terminal.${others}`);
  }
  if (instances.length === 1) return instances[0]!;
  if (instances.length === 0) throw new Error('The local system is not running: start it with `npm start` in another terminal.');
  const ports = instances.map((i) => i.port);
  throw new Error(`${ports.length} local systems are running (ports ${ports.join(', ')}): name one with PORT or --port, e.g.  PORT=${ports[0]} npm run outbox`);
}

/** A port number given as text (PORT, `--port`), or a clear error naming where it came from. */
export function parsePort(raw: string, from: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port <= 0 || port > 65535) throw new Error(`${from} must be a port number, got "${raw}"`);
  return port;
}

function portFromEnv(): number | undefined {
  const raw = process.env.PORT;
  return raw === undefined || raw === '' ? undefined : parsePort(raw, 'PORT');
}

/** `--port N` or `--port=N` among a command's arguments (removed from them), for the local commands. */
export function takePortOption(args: string[]): number | undefined {
  const i = args.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return undefined;
  const inline = args[i]!.startsWith('--port=');
  const raw = inline ? args[i]!.slice('--port='.length) : (args[i + 1] ?? '');
  args.splice(i, inline ? 1 : 2);
  return parsePort(raw, '--port');
}

export interface LocalSystem {
  url: string;
  emulator: Emulator;
  tables: Record<string, string>;
  state: LocalState;
  workers?: LocalWorkers;
  /** The emulator's staff pool, client and demo people. */
  staffAuth: StaffAuthConfig;
  stop(): Promise<void>;
  /** What a persisted instance loaded from its snapshot at start. */
  restored?: { items: number; objects: number };
}

/** Local-only control routes (never part of the stack): `/_local/clock` moves this process's clock. */
async function localControls(req: IncomingMessage, res: ServerResponse, url: URL, workers?: LocalWorkers): Promise<boolean> {
  if (url.pathname !== '/_local/clock') return false;
  const answer = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'POST') {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    try {
      clockShift.set(parseClockChange(String(JSON.parse(raw).change), clockShift.get()));
    } catch (error) {
      answer(400, { error: { code: 'invalid_clock_change', message: (error as Error).message } });
      return true;
    }
    // Let the sweep look at once, so a jump past a deadline acts within seconds.
    void workers?.runSchedules();
  }
  answer(200, { now: systemClock.now().toISOString(), offsetMs: clockShift.get() });
  return true;
}

export async function startLocalSystem(
  options: {
    port?: number;
    stage?: string;
    /** The stage's settings as given, instead of cdk.json's (a test's variant of a stage). */
    settings?: StageSettings;
    tablePrefix?: string;
    writeState?: boolean;
    workers?: boolean;
    extra?: LocalServerOptions['extra'];
    /** A snapshot file: loaded at start when it exists, written at stop (`npm start -- --persist`). */
    persist?: string;
  } = {},
): Promise<LocalSystem> {
  const settings = options.settings ?? stageFromCdkJson(options.stage ?? process.env.LOCAL_STAGE ?? 'local');
  // The port is fixed before anything is created, so links in mail can name it; and checked before
  // the emulator starts, so a taken port fails at once instead of after the whole start-up.
  const port = options.port === 0 ? await freePort() : (options.port ?? 3000);
  await assertPortFree(port);
  const emulator = await startMoto();
  let http: Awaited<ReturnType<typeof startLocalServer>> | undefined;
  let workers: LocalWorkers | undefined;
  try {
    const prefix = options.tablePrefix ?? `shop-privacy-${settings.name}`;
    const { tables, staffAuth } = await prepareLocalAws(settings, { endpoint: emulator.endpoint, prefix, publicUrl: `http://127.0.0.1:${port}` });
    const saved = options.persist ? readSnapshot(options.persist) : undefined;
    const restored = saved ? await restoreSnapshot(saved) : undefined;
    // Deadline jobs hop every few seconds locally instead of every 15 minutes, so a moved clock shows at once.
    process.env.MAX_JOB_DELAY_SECONDS ??= '2';
    process.env.STALE_CHAIN_MINUTES ??= '1';
    const serveConsole = consoleHandler({
      cognitoUpstream: emulator.endpoint,
      config: () => ({
        apiBaseUrl: '',
        stage: settings.name,
        region: staffAuth?.region ?? process.env.AWS_REGION ?? '',
        userPoolId: staffAuth?.userPoolId ?? '',
        clientId: staffAuth?.userPoolClientId ?? '',
        cognitoEndpoint: CONSOLE_COGNITO_PROXY,
      }),
    });
    try {
      http = await startLocalServer({
        settings,
        port,
        extra: async (req, res, url) =>
          (await localControls(req, res, url, workers)) ||
          (await serveDemo(req, res, url)) ||
          (await serveConsole(req, res, url)) ||
          (options.extra ? await options.extra(req, res, url) : false),
      });
    } catch (error) {
      // Taken between the check and now.
      throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new PortInUseError(port) : error;
    }
    const server = http;
    if (options.workers) workers = startLocalWorkers();
    const state: LocalState = {
      url: server.url,
      endpoint: emulator.endpoint,
      prefix,
      stage: settings.name,
      pid: process.pid,
      port,
      ...(emulator.pid !== undefined ? { emulatorPid: emulator.pid } : {}),
      ...(staffAuth ? { staffAuth } : {}),
    };
    const stateFile = instanceFile(port);
    if (options.writeState) {
      mkdirSync(INSTANCES_DIR, { recursive: true });
      // Written whole and renamed, so a command reading it never sees half a file; readable by its
      // owner only, as it holds the demo people's local passwords.
      writeFileSync(`${stateFile}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
      renameSync(`${stateFile}.tmp`, stateFile);
    }
    return {
      url: server.url,
      emulator,
      tables,
      state,
      staffAuth: staffAuth!,
      ...(workers ? { workers } : {}),
      ...(restored ? { restored } : {}),
      async stop() {
        // Only this instance's own file: another instance on another port keeps running and findable.
        if (options.writeState) rmSync(stateFile, { force: true });
        await workers?.stop();
        await server.close();
        // Nothing writes any more: the snapshot is whole.
        if (options.persist) writeSnapshot(options.persist, await takeSnapshot());
        await emulator.stop();
      },
    };
  } catch (error) {
    await workers?.stop();
    await http?.close();
    await emulator.stop();
    throw error;
  }
}

export const iamRoutes = () => ROUTES.filter((r) => r.auth === 'iam');
