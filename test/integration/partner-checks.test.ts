/**
 * Joint-marketing partners (policy 5): a partner may learn only whether a customer it referred became
 * a member. Who is asking comes from the caller's IAM identity (locally: the `x-local-partner` header
 * the local server maps to that partner's role), never from the body; each partner has its own key.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { localPartnerKey } from '../../scripts/lib/local-aws';
import { startLocalServer } from '../../scripts/lib/local-server';
import { partnerHash } from '../../shared/domain/members';
import { httpClient } from '../helpers/http';
import { asStaff } from '../helpers/staff-auth';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');
const [partnerA, partnerB] = settings.partners ?? [];

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
});
afterAll(() => server.close());

const call = httpClient(() => server.url);
const dpo = asStaff(call, 'dpo');
const check = (partner: string | undefined, email: string, keyOf = partner) =>
  call(
    'POST',
    '/v1/partner/membership-checks',
    { emailHash: partnerHash(email, Buffer.from(localPartnerKey(keyOf ?? 'nobody'))) },
    partner ? { 'x-local-partner': partner } : {},
  );

async function member(referredBy?: string) {
  const id = `m-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const res = await call('PUT', `/v1/members/${id}`, { email, locale: 'th', marketingOptIn: true, ...(referredBy ? { referredBy } : {}) });
  expect(res.status).toBe(201);
  return { id, email };
}

describe('partner membership checks', () => {
  it('has two partners in the local stage to test with', () => {
    expect(partnerA?.id).toBeDefined();
    expect(partnerB?.id).toBeDefined();
  });

  it('confirms a member only to the partner that referred them, and logs every answer as a disclosure naming that partner', async () => {
    const referredByA = await member(partnerA!.id);
    const direct = await member();
    const referredByB = await member(partnerB!.id);

    expect((await check(partnerA!.id, referredByA.email)).body).toEqual({ member: true });
    expect((await check(partnerA!.id, direct.email)).body).toEqual({ member: false });
    expect((await check(partnerA!.id, referredByB.email)).body).toEqual({ member: false });
    // Even holding partner B's hash, partner A learns nothing about B's referral.
    expect((await check(partnerA!.id, referredByB.email, partnerB!.id)).body).toEqual({ member: false });
    expect((await check(partnerB!.id, referredByB.email)).body).toEqual({ member: true });

    const register = await dpo('GET', `/v1/admin/disclosures?memberId=${referredByA.id}`);
    expect(register.body.items).toEqual([
      expect.objectContaining({ recipient: partnerA!.id, legalBasis: 'partner_membership_confirmation', note: 'answered yes' }),
    ]);
  });

  it('stops confirming a member once the account is cancelled', async () => {
    const m = await member(partnerA!.id);
    expect((await check(partnerA!.id, m.email)).body).toEqual({ member: true });
    expect((await call('POST', `/v1/members/${m.id}/cancel`, {})).status).toBe(200);
    expect((await check(partnerA!.id, m.email)).body).toEqual({ member: false });
  });

  it('answers 403 to a caller that is no configured partner, and 400 to a body that names a partner', async () => {
    const m = await member(partnerA!.id);
    const anonymous = await check(undefined, m.email, partnerA!.id);
    expect(anonymous).toMatchObject({ status: 403, body: { error: { code: 'not_a_partner' } } });
    const claimed = await call(
      'POST',
      '/v1/partner/membership-checks',
      { emailHash: partnerHash(m.email, Buffer.from(localPartnerKey(partnerA!.id))), partnerId: partnerA!.id },
      { 'x-local-partner': partnerB!.id },
    );
    expect(claimed.status).toBe(400);
  });

  it('refuses a referral by a partner the stage does not declare', async () => {
    const res = await call('PUT', `/v1/members/m-${randomUUID().slice(0, 8)}`, {
      email: 'x@example.com',
      locale: 'en',
      marketingOptIn: false,
      referredBy: 'not-a-partner',
    });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'unknown_partner' } } });
  });
});
