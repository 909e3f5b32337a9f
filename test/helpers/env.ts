/**
 * Environment for unit tests: handler modules read their configuration when imported (as at a cold
 * start), so it is set before any test file loads. The SDK is pointed at a closed port so that a
 * call a test forgot to mock fails instead of reaching anything.
 */
import { commonEnvironment, stageFromCdkJson } from '../../infra/stage-config';
import { ALARM_TOPIC, BUCKETS, EVENT_BUS, QUEUES, TABLES } from '../../shared/resources';

const settings = stageFromCdkJson('local');
Object.assign(process.env, commonEnvironment(settings), {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  TOKEN_SECRET: 'unit-test-signing-key-0123456789-abcdefghijkl',
  LOG_LEVEL: 'silent',
  PUBLIC_API_URL: 'https://api.shop.example.com',
  PARTNER_KEYS: JSON.stringify(Object.fromEntries((settings.partners ?? []).map((p) => [p.id, `unit-test-key-of-${p.id}-0123456789-abcdefghijkl`]))),
});
for (const def of Object.values(TABLES)) process.env[def.envVar] = `test-${def.id}`;
for (const def of Object.values(BUCKETS)) process.env[def.envVar] = `test-${def.id.toLowerCase()}`;
for (const def of Object.values(QUEUES)) process.env[def.envVar] = `https://sqs.ap-southeast-1.amazonaws.com/123456789012/test-${def.id}`;
process.env[ALARM_TOPIC.envVar] = 'arn:aws:sns:ap-southeast-1:123456789012:test-Alarms';
process.env[EVENT_BUS.envVar] = 'test-Events';
