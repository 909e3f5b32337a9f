/**
 * `npm start -- --persist`: what the system held when an instance stopped is there again when the next
 * one starts on a fresh emulator (here: fresh tables and buckets under a new name prefix).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '../../scripts/lib/local-system';
import { BUCKETS } from '../../shared/resources';
import { httpClient } from '../helpers/http';
import { itemsOf } from '../helpers/tables';

const dir = mkdtempSync(join(tmpdir(), 'local-persist-'));
const running: LocalSystem[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(persist: string) {
  const system = await startLocalSystem({ port: 0, tablePrefix: `persist-${randomUUID().slice(0, 8)}`, persist });
  running.push(system);
  return system;
}
async function stop(system: LocalSystem) {
  running.splice(running.indexOf(system), 1);
  await system.stop();
}

describe('local mode with --persist', () => {
  it('starts empty without a snapshot, and writes one at a clean stop', async () => {
    const file = join(dir, 'first.json');
    const system = await start(file);
    expect(system.restored).toBeUndefined();
    await stop(system);
    expect(existsSync(file)).toBe(true);
  });

  it('brings back the tables\u2019 items and the buckets\u2019 objects into a fresh emulator', async () => {
    const file = join(dir, 'demo.json');
    const first = await start(file);
    const visitorId = `v-${randomUUID()}`;
    const call = httpClient(() => first.url);
    expect(
      (await call('POST', '/v1/consents', { visitorId, policyVersion: '2024-01', choices: { necessary: true, analytics: true, marketing: false } })).status,
    ).toBe(201);
    const s3 = new S3Client({ forcePathStyle: true });
    const key = `${BUCKETS.exports.keyPrefix}${randomUUID()}.json`;
    await s3.send(new PutObjectCommand({ Bucket: process.env[BUCKETS.exports.envVar], Key: key, Body: '{"kept":true}', ContentType: 'application/json' }));
    await stop(first);

    const second = await start(file);
    expect(second.restored?.items).toBeGreaterThanOrEqual(2); // the current choices and the receipt
    expect(second.restored?.objects).toBeGreaterThanOrEqual(1);
    // Read straight from the second instance's own (new) tables and bucket.
    const items = await itemsOf('consents', visitorId);
    expect(items.map((i) => i.sk)).toContain('CURRENT');
    expect(items.find((i) => i.sk === 'CURRENT')).toMatchObject({ choices: { analytics: true, marketing: false } });
    const object = await s3.send(new GetObjectCommand({ Bucket: process.env[BUCKETS.exports.envVar], Key: key }));
    expect(await object.Body?.transformToString()).toBe('{"kept":true}');
    expect(object.ContentType).toBe('application/json');
  });
});
