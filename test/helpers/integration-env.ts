/**
 * Per-file setup for integration tests: points the SDK at the run's moto server and creates the
 * stack's tables under a prefix unique to this file, before the test file imports any handler.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { commonEnvironment, stageFromCdkJson } from '../../infra/stage-config';
import { createTables, useEmulator } from '../../scripts/lib/local-aws';

const endpoint = inject('motoEndpoint');
useEmulator(endpoint);
Object.assign(process.env, commonEnvironment(stageFromCdkJson('local')), {
  TOKEN_SECRET: 'integration-test-signing-key-0123456789-abcdef',
  LOG_LEVEL: 'silent',
  // Tests publish versions and read them back at once.
  POLICY_CACHE_SECONDS: '0',
});
await createTables(`it-${randomUUID().slice(0, 8)}`);
