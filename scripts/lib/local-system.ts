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
  stop(): Promise<void>;
}

export async function startLocalSystem(options: { port?: number; stage?: string; tablePrefix?: string; writeState?: boolean; extra?: LocalServerOptions['extra'] } = {}): Promise<LocalSystem> {
  const settings = stageFromCdkJson(options.stage ?? process.env.LOCAL_STAGE ?? 'local');
  const emulator = await startMoto();
  try {
    // The port is fixed before anything is created, so links in mail can name it.
    const port = options.port === 0 ? await freePort() : (options.port ?? 3000);
    const prefix = options.tablePrefix ?? `shop-privacy-${settings.name}`;
    const { tables } = await prepareLocalAws(settings, { endpoint: emulator.endpoint, prefix, publicUrl: `http://127.0.0.1:${port}` });
    const http = await startLocalServer({ settings, port, ...(options.extra ? { extra: options.extra } : {}) });
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
      async stop() {
        if (options.writeState) rmSync(STATE_FILE, { force: true });
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
