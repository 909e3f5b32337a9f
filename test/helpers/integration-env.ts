/**
 * Per-file setup for integration tests: points the SDK at the run's moto server and creates the
 * stack's tables and buckets under a prefix unique to this file (as `npm start` does), before the
 * test file imports any handler.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { prepareLocalAws } from '../../scripts/lib/local-aws';

/** Links in mail point here; tests read the token out of the mail, whatever the host. */
export const TEST_PUBLIC_URL = 'http://127.0.0.1:3999';

Object.assign(process.env, {
  LOG_LEVEL: 'silent',
  // Tests publish versions and read them back at once.
  POLICY_CACHE_SECONDS: '0',
});
await prepareLocalAws(stageFromCdkJson('local'), { endpoint: inject('motoEndpoint'), prefix: `it-${randomUUID().slice(0, 8)}`, publicUrl: TEST_PUBLIC_URL });
