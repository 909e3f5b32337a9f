import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler as preTokenGeneration } from '../../functions/auth/pre-token-generation';
import { makeHandler as listRequests } from '../../functions/admin/list-requests';
import { makeHandler as recordDisclosure } from '../../functions/admin/record-disclosure';
import { groupsForToken, mayUse, parseGroupsClaim } from '../../shared/domain/staff-access';
import { route, staffActor } from '../../shared/http/route';
import { ok } from '../../shared/http/responses';
import { ROUTES } from '../../shared/routes';
import { apiEvent, invoke } from '../helpers/events';
import { staffEvent } from '../helpers/staff-auth';

describe('staff access rules', () => {
  it('reads cognito:groups as API Gateway flattens it ("[a b]"), as an array, and drops unknown groups', () => {
    expect(parseGroupsClaim('[staff dpo]')).toEqual(['staff', 'dpo']);
    expect(parseGroupsClaim('[dpo]')).toEqual(['dpo']);
    expect(parseGroupsClaim(['staff', 'admins'])).toEqual(['staff']);
    expect(parseGroupsClaim('[]')).toEqual([]);
    expect(parseGroupsClaim(undefined)).toEqual([]);
  });

  it('lets staff routes be used by staff and the DPO, and DPO routes by the DPO only', () => {
    expect([mayUse('staff', ['staff']), mayUse('staff', ['dpo']), mayUse('staff', [])]).toEqual([true, true, false]);
    expect([mayUse('dpo', ['dpo']), mayUse('dpo', ['staff']), mayUse('dpo', [])]).toEqual([true, false, false]);
  });

  it('keeps dpo out of a token unless the user has TOTP set up (a DPO without it signs in as staff), and leaves other groups alone', () => {
    expect(groupsForToken(['staff', 'dpo'], false)).toEqual(['staff']);
    expect(groupsForToken(['dpo'], false)).toEqual(['staff']);
    expect(groupsForToken(['dpo'], true)).toEqual(['dpo']);
    expect(groupsForToken(['staff'], false)).toEqual(['staff']);
  });

  it('declares every /v1/admin/ route other than the newsletter sender\u2019s for people (staff or dpo)', () => {
    const machine = ROUTES.filter((r) => r.path.startsWith('/v1/admin/') && r.auth !== 'staff' && r.auth !== 'dpo').map((r) => r.id);
    expect(machine).toEqual(['createUnsubscribeLink']);
  });
});

describe('route middleware: staff access', () => {
  const queue = listRequests({ requests: { byStatus: async () => ({ items: [] }) } });
  const disclosures = recordDisclosure({} as never);
  const queueEvent = () => apiEvent('get-policy');

  it('answers 401 without verified claims, before reading anything', async () => {
    const res = await invoke(queue, queueEvent());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('answers 401 for claims that name nobody', async () => {
    const event = staffEvent(queueEvent());
    (event.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, string> } } }).authorizer.jwt.claims['cognito:username'] = '';
    expect((await invoke(queue, event)).status).toBe(401);
  });

  it('answers 401 for an access token (the console sends its ID token)', async () => {
    const event = staffEvent(queueEvent());
    (event.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, string> } } }).authorizer.jwt.claims.token_use = 'access';
    expect((await invoke(queue, event)).status).toBe(401);
  });

  it('lets staff and the DPO into a staff route', async () => {
    expect((await invoke(queue, staffEvent(queueEvent(), 'staff'))).status).toBe(200);
    expect((await invoke(queue, staffEvent(queueEvent(), 'dpo'))).status).toBe(200);
  });

  it('answers 403 forbidden with a clear message to staff on a DPO route, and to a person in no group anywhere', async () => {
    const asStaff = await invoke(disclosures, staffEvent(apiEvent('publish-policy', { body: {} }), 'staff'));
    expect(asStaff.status).toBe(403);
    expect(asStaff.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/data protection officer/) });
    const nobody = await invoke(queue, staffEvent(queueEvent(), { groups: [] }));
    expect(nobody).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });

  it('refuses a person\u2019s token on a handler that declared no staff access (fails closed)', async () => {
    const undeclared = route().handler(async () => ok({}));
    expect((await invoke(undeclared, staffEvent(queueEvent(), 'dpo'))).status).toBe(403);
    expect((await invoke(undeclared, queueEvent())).status).toBe(200);
  });

  it('names the person for history and audit: e-mail when the token has one, else the user name', async () => {
    const seen: string[] = [];
    const echo = route({ auth: 'staff' }).handler(async (event) => {
      seen.push(staffActor(event));
      return ok({});
    });
    await invoke(echo, staffEvent(queueEvent(), { username: 'somsri.k', email: 'somsri@shop.example.com', groups: ['staff'] }));
    await invoke(echo, staffEvent(queueEvent(), { username: 'niran.p', groups: ['dpo'] }));
    expect(seen).toEqual(['somsri@shop.example.com', 'niran.p']);
  });
});

describe('pre-token-generation trigger', () => {
  const event = (groups: string[]) =>
    ({
      userPoolId: 'ap-southeast-1_Example1',
      userName: 'niran.p',
      request: { groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [] }, userAttributes: {} },
      response: { claimsOverrideDetails: {} },
    }) as unknown as PreTokenGenerationTriggerEvent;

  it('takes dpo out of the token of a user without TOTP, and keeps it for one with TOTP', async () => {
    const lookedUp: string[] = [];
    const trigger = (totp: boolean) =>
      preTokenGeneration({
        totpEnabled: async (_pool, user) => {
          lookedUp.push(user);
          return totp;
        },
      });
    const without = await trigger(false)(event(['staff', 'dpo']));
    expect(without.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual(['staff']);
    const withTotp = await trigger(true)(event(['dpo']));
    expect(withTotp.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual(['dpo']);
    expect(lookedUp).toEqual(['niran.p', 'niran.p']);
  });

  it('does not look up staff who are not in the dpo group', async () => {
    const trigger = preTokenGeneration({ totpEnabled: async () => expect.fail('no look-up for staff') });
    const out = await trigger(event(['staff']));
    expect(out.response.claimsOverrideDetails?.groupOverrideDetails).toBeUndefined();
  });
});
