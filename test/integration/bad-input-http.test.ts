/**
 * Bad input over HTTP, through the local server as a storefront would send it: a clear 400, never a
 * 5xx, whether the problem is in the body's text or in the path's percent-encoding.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { httpClient } from '../helpers/http';
import { itemsOf } from '../helpers/tables';

let server: Awaited<ReturnType<typeof startLocalServer>>;

beforeAll(async () => {
  server = await startLocalServer({ settings: stageFromCdkJson('local'), port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url);

describe('bad input over HTTP', () => {
  it('answers 400 invalid_encoding to lone surrogates in a beacon and in a web request, storing nothing', async () => {
    const visitorId = `v-${randomUUID()}`;
    const consent = await call('POST', '/v1/consents', {
      visitorId,
      policyVersion: '2024-01',
      choices: { necessary: true, analytics: true, marketing: false },
    });
    expect(consent.status).toBe(201);
    const beacon = await call(
      'POST',
      '/v1/visits',
      `{"visitorId":"${visitorId}","sessionId":"s-1","events":[{"type":"pageview","path":"/x","title":"x\\udfff"}]}`,
      { 'content-type': 'text/plain' },
    );
    expect(beacon).toMatchObject({ status: 400, body: { error: { code: 'invalid_encoding' } } });
    expect(await itemsOf('visits', `V#${visitorId}`)).toEqual([]);

    const request = await call('POST', '/v1/requests', '{"email":"surrogate@example.com","type":"other","details":"hi \\ud800"}');
    expect(request).toMatchObject({ status: 400, body: { error: { code: 'invalid_encoding' } } });
  });

  it.each(['/v1/consents/%E0%A4%A', '/v1/consents/%', '/v1/consents/%ED%A0%80abcdefgh'])(
    'answers 400, not 500, to the malformed path escape %s',
    async (path) => {
      const res = await call('GET', path);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_encoding');
    },
  );
});
