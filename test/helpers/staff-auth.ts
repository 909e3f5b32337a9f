/**
 * Signed-in people for tests. Integration tests get real ID tokens from the emulator's staff pool
 * (the one `prepareLocalAws` made for this file); unit tests of handlers get the claims API
 * Gateway's JWT authoriser would pass on, without any token.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { localStaffAuth, signIn, type StaffAuthConfig } from '../../scripts/lib/local-staff-auth';
import type { StaffGroup } from '../../shared/domain/staff-access';
import type { Answer } from './http';

export type StaffRole = StaffGroup;

function currentPool(): StaffAuthConfig {
  const config = localStaffAuth();
  if (!config) throw new Error('No staff user pool: integration-env.ts (prepareLocalAws) creates one per test file');
  return config;
}

/** ID tokens per pool and role; the emulator's tokens live an hour, far longer than a test file. */
const tokens = new Map<string, Promise<string>>();

/** A real ID token of the demo person of this role (the DPO answers the TOTP challenge). */
export function staffToken(role: StaffRole): Promise<string> {
  const config = currentPool();
  const key = `${config.userPoolId}:${role}`;
  if (!tokens.has(key)) {
    const attempt = signIn(config, config.users[role]);
    // A failed sign-in is not remembered: the next test signs in again.
    attempt.catch(() => tokens.delete(key));
    tokens.set(key, attempt);
  }
  return tokens.get(key)!;
}

/** `Authorization: Bearer <ID token>` of the demo person of this role. */
export async function staffHeaders(role: StaffRole): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await staffToken(role)}` };
}

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;

/** The same HTTP client, signed in as the demo person of this role. */
export const asStaff =
  (call: Call, role: StaffRole): Call =>
  async (method, path, body, headers = {}) =>
    call(method, path, body, { ...(await staffHeaders(role)), ...headers });

/** The demo usernames: what history and audit must name for each role. */
export const staffUsername = (role: StaffRole) => currentPool().users[role].username;

/**
 * Claims as API Gateway's JWT authoriser passes a Cognito ID token's on: every value a string,
 * `cognito:groups` flattened to "[a b]".
 */
export function staffClaims(person: { username?: string; email?: string; groups?: string[] } = {}): Record<string, string> {
  const username = person.username ?? 'somsri.k';
  return {
    sub: '7c0f6a52-1111-4a5e-9a0e-000000000001',
    'cognito:username': username,
    ...(person.email !== undefined ? { email: person.email } : {}),
    'cognito:groups': `[${(person.groups ?? ['staff']).join(' ')}]`,
    token_use: 'id',
    iss: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_TestPool1',
    aud: 'test-console-client',
    exp: String(Math.floor(Date.now() / 1000) + 1800),
  };
}

/** An API Gateway event as a signed-in person of these groups sends it (default: group `staff`). */
export function staffEvent<E extends APIGatewayProxyEventV2>(
  event: E,
  person: StaffRole | { username?: string; email?: string; groups?: string[] } = 'staff',
): E {
  const claims = staffClaims(typeof person === 'string' ? { groups: [person] } : person);
  const ctx = event.requestContext as unknown as Record<string, unknown>;
  ctx.authorizer = { jwt: { claims, scopes: null } };
  return event;
}
