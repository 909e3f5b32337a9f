/**
 * People routes over HTTP against the local server and the emulator's staff pool: every kind of bad
 * token is refused before any handler runs, a wrong group is refused by the route, and nothing
 * changes either way; a good token's person is who the history and audit name.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { createStaffPool, createStaffUser, localStaffAuth, signIn } from '../../scripts/lib/local-staff-auth';
import { clockShift } from '../../shared/adapters/clock';
import { requestStore } from '../../shared/adapters/wiring';
import { disclosureStore } from '../../shared/adapters/wiring/members';
import { DEFAULT_DEADLINES } from '../../shared/domain/deadlines';
import { auditSubject, newRequest, newRequestId } from '../../shared/domain/requests';
import { ROUTES } from '../../shared/routes';
import { httpClient } from '../helpers/http';
import { asStaff, staffHeaders, staffToken, staffUsername } from '../helpers/staff-auth';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const call = httpClient(() => server.url);

beforeAll(async () => {
  server = await startLocalServer({ settings: stageFromCdkJson('local'), port: 0 });
});
afterAll(() => server.close());
afterEach(() => clockShift.set(0));

const disclosure = (recipient: string) => ({
  recipient,
  legalBasis: 'required_by_law',
  reference: 'Court order 123/2569',
  categories: ['profile'],
  disclosedAt: new Date().toISOString(),
});
/** Whether the register holds a disclosure to this recipient: what a refused write must not leave. */
const registered = async (recipient: string) => (await disclosureStore().recent(100)).items.some((d) => d.recipient === recipient);

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('people routes refuse bad tokens before any handler runs, and change nothing', () => {
  it.each([
    ['no Authorization header', async () => ({})],
    ['a malformed header', async () => ({ authorization: 'Basic ZHBvOnB3' })],
    [
      'a tampered token (claims changed, signature kept)',
      async () => {
        const [header, payload, signature] = (await staffToken('staff')).split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
        const forged = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['dpo'] })).toString('base64url');
        return bearer(`${header}.${forged}.${signature}`);
      },
    ],
    [
      'a token of another pool (same emulator, same signing key, other issuer)',
      async () => {
        const other = await createStaffPool({
          endpoint: localStaffAuth()!.cognitoEndpoint,
          prefix: `other-${randomUUID().slice(0, 8)}`,
          region: 'ap-southeast-1',
        });
        return bearer(await signIn(other, other.users.dpo));
      },
    ],
  ])('answers 401 as API Gateway does for %s', async (_case, headers) => {
    const recipient = `Refused ${randomUUID()}`;
    const res = await call('POST', '/v1/admin/disclosures', disclosure(recipient), await headers());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'Unauthorized' });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await registered(recipient)).toBe(false);
  });

  it('answers 401 for an expired token (the clock moved past its expiry), and 200 again once it is back', async () => {
    const headers = await staffHeaders('staff');
    expect((await call('GET', '/v1/admin/requests', undefined, headers)).status).toBe(200);
    clockShift.set(2 * 60 * 60 * 1000);
    const expired = await call('GET', '/v1/admin/requests', undefined, headers);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    clockShift.set(0);
    expect((await call('GET', '/v1/admin/requests', undefined, headers)).status).toBe(200);
  });

  it('needs a token on every people route of the route table', async () => {
    for (const route of ROUTES.filter((r) => r.auth === 'staff' || r.auth === 'dpo')) {
      const path = route.path.replace(/\{\w+\}/g, 'R-ABCDEFGH23');
      expect((await call(route.method, path, route.method === 'GET' ? undefined : {})).status, `${route.method} ${route.path}`).toBe(401);
    }
  });
});

describe('groups', () => {
  it('refuses staff every DPO route with 403 forbidden, and records nothing', async () => {
    const headers = await staffHeaders('staff');
    for (const route of ROUTES.filter((r) => r.auth === 'dpo')) {
      const path = route.path.replace(/\{\w+\}/g, 'member-1');
      const res = await call(route.method, path, route.method === 'GET' ? undefined : {}, headers);
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const recipient = `Refused ${randomUUID()}`;
    expect((await call('POST', '/v1/admin/disclosures', disclosure(recipient), headers)).status).toBe(403);
    expect(await registered(recipient)).toBe(false);
  });

  it('refuses a signed-in person in no group every people route', async () => {
    const pool = localStaffAuth()!;
    const client = new CognitoIdentityProviderClient({ endpoint: pool.cognitoEndpoint });
    const nobody = await createStaffUser(client, pool.userPoolId, { username: `nogroup-${randomUUID().slice(0, 8)}`, email: 'nogroup@example.com' });
    const headers = bearer(await signIn(pool, nobody));
    for (const route of ROUTES.filter((r) => r.auth === 'staff')) {
      const path = route.path.replace(/\{\w+\}/g, 'R-ABCDEFGH23');
      expect((await call(route.method, path, route.method === 'GET' ? undefined : {}, headers)).status, `${route.method} ${route.path}`).toBe(403);
    }
  });

  it('treats a DPO without TOTP as staff, as the stack\u2019s pre-token trigger does: 403 on DPO routes, staff routes open', async () => {
    const pool = localStaffAuth()!;
    const client = new CognitoIdentityProviderClient({ endpoint: pool.cognitoEndpoint });
    const dpo = await createStaffUser(client, pool.userPoolId, {
      username: `dpo-no-totp-${randomUUID().slice(0, 8)}`,
      email: 'dpo2@example.com',
      group: 'dpo',
    });
    // No TOTP set up: Cognito asks for no code, and the token still names the dpo group.
    const headers = bearer(await signIn(pool, dpo));
    const recipient = `Refused ${randomUUID()}`;
    const refused = await call('POST', '/v1/admin/disclosures', disclosure(recipient), headers);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await registered(recipient)).toBe(false);
    expect((await call('GET', '/v1/admin/requests', undefined, headers)).status).toBe(200);
  });

  it('lets the DPO past the group check of every people route (each handler declares its route\u2019s access)', async () => {
    const headers = await staffHeaders('dpo');
    for (const route of ROUTES.filter((r) => r.auth === 'staff' || r.auth === 'dpo')) {
      const path = route.path.replace(/\{\w+\}/g, 'R-ABCDEFGH23');
      const res = await call(route.method, path, route.method === 'GET' ? undefined : {}, headers);
      // 200, or 400/404 for the made-up input: never refused for who is asking.
      expect([401, 403], `${route.method} ${route.path}: ${res.text}`).not.toContain(res.status);
    }
  });

  it('lets the DPO (signed in with a TOTP code) record a disclosure, attributed to them', async () => {
    const recipient = `Police ${randomUUID()}`;
    const res = await call('POST', '/v1/admin/disclosures', disclosure(recipient), await staffHeaders('dpo'));
    expect(res.status).toBe(201);
    expect(res.body.recordedBy).toBe(staffUsername('dpo'));
    expect(await registered(recipient)).toBe(true);
  });
});

describe('attribution', () => {
  it('names the signed-in person in the request history and the audit trail of a completion, never "local" or "unknown"', async () => {
    const email = `attr-${randomUUID().slice(0, 8)}@example.com`;
    const request = newRequest(
      { id: newRequestId(), type: 'other', channel: 'web', email, locale: 'en', status: 'open' },
      new Date(),
      DEFAULT_DEADLINES,
      'test',
    );
    await requestStore().create(request);
    const done = await asStaff(call, 'staff')('POST', `/v1/admin/requests/${request.id}/complete`, { outcome: 'rejected', note: 'Not a request about data' });
    expect(done.status).toBe(200);
    expect(done.body.history.at(-1)).toMatchObject({ event: 'completed:rejected', by: staffUsername('staff') });
    const audit = await asStaff(call, 'dpo')('GET', `/v1/admin/audit/${auditSubject(request)}`);
    const actors = audit.body.entries.filter((e: { requestId?: string }) => e.requestId === request.id).map((e: { actor: string }) => e.actor);
    expect(actors).toContain(staffUsername('staff'));
    expect(actors.join(' ')).not.toMatch(/\blocal\b|unknown/);
  });
});
