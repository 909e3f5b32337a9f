/**
 * The whole system on one machine: emulator, resources, environment, HTTP server. `npm start` and the
 * integration tests both boot it through here, so the tests exercise what a newcomer runs.
 */
import { commonEnvironment, stageFromCdkJson } from '../../infra/stage-config';
import { ROUTES } from '../../shared/routes';
import { createTables, useEmulator } from './local-aws';
import { startLocalServer, type LocalServerOptions } from './local-server';
import { startMoto, type Emulator } from './moto';

/** Local-only signing key: never used by a deployed stage, which reads its key from Secrets Manager. */
export const LOCAL_TOKEN_SECRET = 'local-development-signing-key-not-for-production-use';

export interface LocalSystem {
  url: string;
  emulator: Emulator;
  tables: Record<string, string>;
  stop(): Promise<void>;
}

export async function startLocalSystem(options: { port?: number; stage?: string; tablePrefix?: string; extra?: LocalServerOptions['extra'] } = {}): Promise<LocalSystem> {
  const settings = stageFromCdkJson(options.stage ?? process.env.LOCAL_STAGE ?? 'local');
  const emulator = await startMoto();
  try {
    useEmulator(emulator.endpoint);
    for (const [k, v] of Object.entries(commonEnvironment(settings))) process.env[k] = v;
    process.env.TOKEN_SECRET ??= LOCAL_TOKEN_SECRET;
    const tables = await createTables(options.tablePrefix ?? `shop-privacy-${settings.name}`);
    const http = await startLocalServer({ settings, port: options.port ?? 3000, ...(options.extra ? { extra: options.extra } : {}) });
    return {
      url: http.url,
      emulator,
      tables,
      async stop() {
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
