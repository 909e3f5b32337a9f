import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/consent/capture-consent';
import { verifyConsentToken } from '../../../shared/domain/consent-token';
import { apiEvent, invoke } from '../../helpers/events';

const db = mockClient(DynamoDBDocumentClient);
const validBody = { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: { necessary: true, analytics: true, marketing: true } };

beforeEach(() => {
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(TransactWriteCommand).resolves({});
});
afterEach(() => db.reset());

describe('capture-consent', () => {
  it('answers 201 with a receipt and a token, writing the receipt and the current state in one transaction', async () => {
    const res = await invoke(handler, apiEvent('capture-consent', { body: validBody }));
    expect(res.status).toBe(201);
    expect(res.body.receipt).toMatchObject({ policyVersion: '2024-01', choices: { necessary: true, analytics: true, marketing: true }, jurisdiction: 'TH' });
    const check = verifyConsentToken(res.body.token, Buffer.from(process.env.TOKEN_SECRET!), new Date());
    expect(check.ok).toBe(true);
    const calls = db.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]!.args[0].input.TransactItems!.map((t) => t.Put!.Item!);
    expect(items.map((i) => i.sk)).toEqual([`RECEIPT#${res.body.receipt.id}`, 'CURRENT']);
    expect(items.every((i) => i.pk === 'v-0123456789')).toBe(true);
    expect(res.headers['strict-transport-security']).toMatch(/max-age/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 400 to a member id and stores nothing: a public caller cannot link a visitor id to a member', async () => {
    const res = await invoke(handler, apiEvent('capture-consent', { body: { ...validBody, memberId: 'm-attacker' } }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', issues: [{ path: 'body', message: 'unknown field(s): memberId' }] });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('records marketing as refused under Sec-GPC: 1 and says the signal was present', async () => {
    const res = await invoke(handler, apiEvent('capture-consent', { body: validBody, headers: { 'sec-gpc': '1' } }));
    expect(res.status).toBe(201);
    expect(res.body.receipt.choices.marketing).toBe(false);
    expect(res.body.receipt.gpc).toBe(true);
    const stored = db.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    expect(stored.choices.marketing).toBe(false);
    expect(stored.gpc).toBe(true);
  });

  it('replays the first receipt (200) when a retry hits the existing one', async () => {
    const first = await invoke(handler, apiEvent('capture-consent', { body: validBody, headers: { 'idempotency-key': 'retry-1' } }));
    const stored = db.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    db.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }),
    );
    db.on(GetCommand).resolves({ Item: stored });
    const again = await invoke(handler, apiEvent('capture-consent', { body: validBody, headers: { 'idempotency-key': 'retry-1' } }));
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.receipt.id).toBe(first.body.receipt.id);
  });

  it('answers 500 without details when DynamoDB fails, and logs no visitor id', async () => {
    db.on(TransactWriteCommand).rejects(new Error('ProvisionedThroughputExceeded for key v-0123456789'));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await invoke(handler, apiEvent('capture-consent', { body: validBody }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'Internal error' } });
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0]?.[0])).not.toContain('v-0123456789');
    logged.mockRestore();
  });

  const rejected: [string, Parameters<typeof apiEvent>[1], number, string][] = [
    ['malformed JSON', { rawBody: '{"visitorId":' }, 400, 'invalid_json'],
    ['an empty body', { rawBody: '' }, 400, 'missing_body'],
    ['a form body', { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
    ['an oversize body', { rawBody: JSON.stringify({ ...validBody, pad: 'x'.repeat(20_000) }) }, 413, 'payload_too_large'],
    ['non-UTF-8 bytes', { rawBody: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), isBase64Encoded: true }, 400, 'invalid_encoding'],
    ['necessary refused', { body: { ...validBody, choices: { ...validBody.choices, necessary: false } } }, 400, 'validation_failed'],
    ['an unknown category', { body: { ...validBody, choices: { ...validBody.choices, profiling: true } } }, 400, 'validation_failed'],
    ['a short visitor id', { body: { ...validBody, visitorId: 'abc' } }, 400, 'validation_failed'],
    ['a visitor id with spaces', { body: { ...validBody, visitorId: 'abc def ghi' } }, 400, 'validation_failed'],
    ['a string where a boolean belongs', { body: { ...validBody, choices: { ...validBody.choices, analytics: 'yes' } } }, 400, 'validation_failed'],
    ['an array body', { body: [validBody] }, 400, 'validation_failed'],
    ['a policy version that does not exist', { body: { ...validBody, policyVersion: '1999-01' } }, 400, 'unknown_policy_version'],
    ['an idempotency key with spaces', { body: validBody, headers: { 'idempotency-key': 'has space' } }, 400, 'invalid_idempotency_key'],
  ];
  it.each(rejected)('rejects %s with %i and a machine-readable code, writing nothing', async (_name, changes, status, code) => {
    const res = await invoke(handler, apiEvent('capture-consent', changes));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('names the offending field of an unknown category', async () => {
    const res = await invoke(handler, apiEvent('capture-consent', { body: { ...validBody, choices: { ...validBody.choices, profiling: true } } }));
    expect(res.body.error.issues).toContainEqual({ path: 'body.choices', message: 'unknown field(s): profiling' });
  });

  it('never answers 5xx and never writes for arbitrary JSON bodies that are not a valid consent (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        db.resetHistory();
        const res = await invoke(handler, apiEvent('capture-consent', { body: value }));
        expect(res.status).toBe(400);
        expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
      }),
      { numRuns: 200 },
    );
  });

  it('never answers 5xx for near-valid bodies, and writes exactly when it answers 201 (property)', async () => {
    const nearValid = fc.record(
      {
        visitorId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/), fc.string()),
        memberId: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.string(), fc.integer()),
        policyVersion: fc.constantFrom('2024-01', '2025-01', '', 42),
        choices: fc.record(
          {
            necessary: fc.oneof(fc.constant(true), fc.boolean(), fc.string()),
            analytics: fc.oneof(fc.boolean(), fc.constant('true')),
            marketing: fc.boolean(),
            extra: fc.boolean(),
          },
          { requiredKeys: ['necessary'] },
        ),
        collectionMethod: fc.constantFrom('banner', 'settings', 'api', 'carrier-pigeon'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(nearValid, fc.boolean(), async (body, gpc) => {
        db.resetHistory();
        const res = await invoke(handler, apiEvent('capture-consent', { body, headers: gpc ? { 'sec-gpc': '1' } : {} }));
        expect([201, 400]).toContain(res.status);
        expect(db.commandCalls(TransactWriteCommand)).toHaveLength(res.status === 201 ? 1 : 0);
        if (res.status === 201 && gpc) expect(res.body.receipt.choices.marketing).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
