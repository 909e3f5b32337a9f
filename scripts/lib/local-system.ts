/**
 * The whole system on one machine: emulator, resources, environment, HTTP server. `npm start` and the
 * integration tests both boot it through here, so the tests exercise what a newcomer runs.
 */
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, stageFromCdkJson } from '../../infra/stage-config';
import { ROUTES } from '../../shared/routes';
import { prepareLocalAws } from './local-aws';
import { freePort, startMoto, type Emulator } from './moto';
import { startLocalServer, type LocalServerOptions } from './local-server';
import { startLocalWorkers, type LocalWorkers } from './local-workers';
import { parseClockChange } from './clock';
import { serveDemo } from './demo';
import { clockShift, systemClock } from '../../shared/adapters/clock';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where `npm start` tells the other local commands (inbox, outbox, admin, clock) how to reach it. */
export const STATE_FILE = join(REPO_ROOT, '.local', 'state.json');

export interface LocalState {
  url: string;
  endpoint: string;
  prefix: string;
  stage: string;
  pid: number;
}

export function readLocalState(): LocalState {
  if (!existsSync(STATE_FILE)) throw new Error('The local system is not running: start it with `npm start` in another terminal.');
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as LocalState;
}

export interface LocalSystem {
  url: string;
  emulator: Emulator;
  tables: Record<string, string>;
  state: LocalState;
  workers?: LocalWorkers;
  stop(): Promise<void>;
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
  options: { port?: number; stage?: string; tablePrefix?: string; writeState?: boolean; workers?: boolean; extra?: LocalServerOptions['extra'] } = {},
): Promise<LocalSystem> {
  const settings = stageFromCdkJson(options.stage ?? process.env.LOCAL_STAGE ?? 'local');
  const emulator = await startMoto();
  try {
    // The port is fixed before anything is created, so links in mail can name it.
    const port = options.port === 0 ? await freePort() : (options.port ?? 3000);
    const prefix = options.tablePrefix ?? `shop-privacy-${settings.name}`;
    const { tables } = await prepareLocalAws(settings, { endpoint: emulator.endpoint, prefix, publicUrl: `http://127.0.0.1:${port}` });
    // Deadline jobs hop every few seconds locally instead of every 15 minutes, so a moved clock shows at once.
    process.env.MAX_JOB_DELAY_SECONDS ??= '2';
    process.env.STALE_CHAIN_MINUTES ??= '1';
    let workers: LocalWorkers | undefined;
    const http = await startLocalServer({
      settings,
      port,
      extra: async (req, res, url) =>
        (await localControls(req, res, url, workers)) || (await serveDemo(req, res, url)) || (options.extra ? await options.extra(req, res, url) : false),
    });
    if (options.workers) workers = startLocalWorkers();
    const state: LocalState = { url: http.url, endpoint: emulator.endpoint, prefix, stage: settings.name, pid: process.pid };
    if (options.writeState) {
      mkdirSync(join(REPO_ROOT, '.local'), { recursive: true });
      writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
    }
    return {
      url: http.url,
      emulator,
      tables,
      state,
      ...(workers ? { workers } : {}),
      async stop() {
        if (options.writeState) rmSync(STATE_FILE, { force: true });
        await workers?.stop();
        await http.close();
        await emulator.stop();
      },
    };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

export const iamRoutes = () => ROUTES.filter((r) => r.auth === 'iam');
