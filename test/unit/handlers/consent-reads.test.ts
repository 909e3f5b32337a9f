import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as getConsent } from '../../../functions/consent/get-consent';
import { handler as getPolicy } from '../../../functions/consent/get-policy';
import { apiEvent, invoke } from '../../helpers/events';

const db = mockClient(DynamoDBDocumentClient);
const baseline = JSON.parse(process.env.POLICY_BASELINE!);
const current = {
  pk: 'v-0123456789',
  sk: 'CURRENT',
  receiptId: 'r-1',
  visitorId: 'v-0123456789',
  policyVersion: '2024-01',
  policyUrl: baseline.url,
  policySha256: baseline.sha256,
  choices: { necessary: true, analytics: true, marketing: false },
  recordedAt: '2026-01-01T00:00:00.000Z',
  collectionMethod: 'banner',
  gpc: false,
  gpcOverrodeMarketing: false,
  currentMemberId: 'm-7',
};

beforeEach(() => db.on(QueryCommand).resolves({ Items: [] }));
afterEach(() => db.reset());

describe('get-policy', () => {
  it('answers the baseline version with its hash, cacheable by browsers and CDNs', async () => {
    const res = await invoke(getPolicy, apiEvent('get-policy'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: '2024-01',
      url: baseline.url,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      effectiveAt: baseline.effectiveAt,
    });
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });
});

describe('get-consent', () => {
  it('answers the current choices and no renewal when nothing changed, never a member id stored on the item', async () => {
    db.on(GetCommand, { Key: { pk: 'v-0123456789', sk: 'CURRENT' } }).resolves({ Item: current });
    const res = await invoke(getConsent, apiEvent('get-consent'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      visitorId: 'v-0123456789',
      policyVersion: '2024-01',
      choices: current.choices,
      recordedAt: current.recordedAt,
      renewalNeeded: false,
    });
    // A public read must not tell who a visitor id belongs to (items of the former route carry one).
    expect(res.text).not.toContain('m-7');
  });

  it('answers 404 with the error shape for an unknown visitor', async () => {
    db.on(GetCommand).resolves({});
    const res = await invoke(getConsent, apiEvent('get-consent', { pathParameters: { visitorId: 'unknown-visitor' } }));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers 400 for any visitor id that breaks the id rule, without reading (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string().filter((s) => !/^[A-Za-z0-9_-]{8,128}$/.test(s)),
        async (visitorId) => {
          db.resetHistory();
          const res = await invoke(getConsent, apiEvent('get-consent', { pathParameters: { visitorId } }));
          expect(res.status).toBe(400);
          expect(db.commandCalls(GetCommand)).toHaveLength(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
