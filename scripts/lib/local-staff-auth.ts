/**
 * Staff sign-in in the local mode: the emulator's Cognito user pool (created from the same settings
 * the stack's pool has), its two demo people, signing in (password, then a TOTP code when Cognito asks
 * for one), and verifying an ID token as API Gateway's JWT authoriser does.
 *
 * moto signs every pool's tokens with one RSA key published in its own source: fine for a local
 * emulator, never a key to trust anywhere else. It checks TOTP codes against one fixed secret for
 * every user when started with MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true (scripts/lib/moto.ts does).
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { randomBytes } from 'node:crypto';
import { TOTP } from 'otpauth';
import { systemClock } from '../../shared/adapters/clock';
import { groupsForToken, STAFF_GROUPS, type StaffGroup } from '../../shared/domain/staff-access';
import type { Clock } from '../../shared/domain/ports';
import { STAFF_PASSWORD_POLICY, STAFF_TOKEN_VALIDITY } from '../../shared/staff-pool';

export interface DemoStaffUser {
  username: string;
  email: string;
  password: string;
  /** Absent for a person an administrator has not put in a group yet. */
  group?: StaffGroup;
  /** Base32 TOTP secret, for the user whose authenticator is set up (an authenticator app takes it). */
  totpSecret?: string;
}

/** What the console, the staff CLI and the tests need to sign in to the local pool. */
export interface StaffAuthConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** The emulator's endpoint, where the Cognito API and the pool's JWKS are served. */
  cognitoEndpoint: string;
  users: Record<StaffGroup, DemoStaffUser>;
}

let current: StaffAuthConfig | undefined;

/** The pool of this process's local mode (prepareLocalAws), for the local server and the test helpers. */
export const localStaffAuth = (): StaffAuthConfig | undefined => current;
export const useLocalStaffAuth = (config: StaffAuthConfig) => {
  current = config;
};

/** Without an endpoint: Cognito itself (or AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, as the SDK reads it). */
const cognito = (endpoint?: string, region?: string) => new CognitoIdentityProviderClient({ ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}) });

/** A password the pool's policy accepts: random, with every character class the policy asks for. */
const demoPassword = () => `${randomBytes(12).toString('base64url')}-Aa1`;

/** Creates the staff pool, its browser client, the groups and the two demo people (one per group). */
export async function createStaffPool(options: { endpoint: string; prefix: string; region: string }): Promise<StaffAuthConfig> {
  const client = cognito(options.endpoint, options.region);
  const { UserPool } = await client.send(
    new CreateUserPoolCommand({
      PoolName: `${options.prefix}-staff`,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: {
          MinimumLength: STAFF_PASSWORD_POLICY.minLength,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: STAFF_PASSWORD_POLICY.tempPasswordValidityDays,
        },
      },
      MfaConfiguration: 'OPTIONAL',
      UsernameAttributes: [],
      Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true }],
    }),
  );
  const userPoolId = UserPool!.Id!;
  await client.send(
    new SetUserPoolMfaConfigCommand({ UserPoolId: userPoolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }),
  );
  const { UserPoolClient } = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'staff-console',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      IdTokenValidity: STAFF_TOKEN_VALIDITY.idTokenMinutes,
      AccessTokenValidity: STAFF_TOKEN_VALIDITY.accessTokenMinutes,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'hours' },
      RefreshTokenValidity: STAFF_TOKEN_VALIDITY.refreshTokenHours,
      PreventUserExistenceErrors: 'ENABLED',
    }),
  );
  for (const group of STAFF_GROUPS) await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
  const config: StaffAuthConfig = {
    region: options.region,
    userPoolId,
    userPoolClientId: UserPoolClient!.ClientId!,
    cognitoEndpoint: options.endpoint,
    users: {
      staff: await createStaffUser(client, userPoolId, { username: 'staff-demo', email: 'staff-demo@example.com', group: 'staff' }),
      dpo: await createStaffUser(client, userPoolId, { username: 'dpo-demo', email: 'dpo-demo@example.com', group: 'dpo' }),
    },
  };
  config.users.dpo.totpSecret = await setUpTotp(config, config.users.dpo);
  return config;
}

/** As an administrator does it (README): create, set a password, put into a group. */
export async function createStaffUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  user: { username: string; email: string; group?: StaffGroup },
): Promise<DemoStaffUser> {
  const password = demoPassword();
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: user.username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: user.email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: user.username, Password: password, Permanent: true }));
  if (user.group) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.username, GroupName: user.group }));
  return { username: user.username, email: user.email, password, ...(user.group ? { group: user.group } : {}) };
}

const totpOf = (secret: string) => new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });

/**
 * Sends a TOTP code and, if the 30-second step turned between making the code and the emulator
 * checking it, once more with the next step's code (as a person retypes a code that just changed).
 */
async function withTotpCode<T>(secret: string, send: (code: string) => Promise<T>): Promise<T> {
  const totp = totpOf(secret);
  const step = totp.counter();
  try {
    return await send(totp.generate());
  } catch (error) {
    if ((error as { name?: string }).name !== 'CodeMismatchException' || totp.counter() === step) throw error;
    return send(totp.generate());
  }
}

/** What a DPO does once: ask for a TOTP secret, confirm it with a code, make TOTP their MFA. */
async function setUpTotp(config: StaffAuthConfig, user: DemoStaffUser): Promise<string> {
  const client = cognito(config.cognitoEndpoint, config.region);
  const signedIn = await client.send(
    new InitiateAuthCommand({
      ClientId: config.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    }),
  );
  const accessToken = signedIn.AuthenticationResult!.AccessToken!;
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await withTotpCode(SecretCode!, (code) =>
    client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code, FriendlyDeviceName: 'demo authenticator' })),
  );
  await client.send(
    new AdminSetUserMFAPreferenceCommand({
      UserPoolId: config.userPoolId,
      Username: user.username,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  return SecretCode!;
}

/** An authenticator app's URI for the TOTP secret (what a QR code would carry). */
export const totpUri = (user: DemoStaffUser) =>
  user.totpSecret ? new TOTP({ issuer: 'Shop privacy (local)', label: user.username, secret: user.totpSecret }).toString() : undefined;

/**
 * Signs in with USER_PASSWORD_AUTH and answers a SOFTWARE_TOKEN_MFA challenge with a code from the
 * TOTP secret or from `askCode` (a person typing it). Returns the ID token.
 */
export async function signIn(
  config: Pick<StaffAuthConfig, 'userPoolClientId'> & { cognitoEndpoint?: string; region?: string },
  credentials: { username: string; password: string; totpSecret?: string; askCode?: () => Promise<string> },
  client = cognito(config.cognitoEndpoint, config.region),
): Promise<string> {
  const first = await client.send(
    new InitiateAuthCommand({
      ClientId: config.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: credentials.username, PASSWORD: credentials.password },
    }),
  );
  if (first.AuthenticationResult?.IdToken) return first.AuthenticationResult.IdToken;
  if (first.ChallengeName !== 'SOFTWARE_TOKEN_MFA') throw new Error(`Sign-in needs a step this tool does not do: ${first.ChallengeName}`);
  const answer = (code: string) =>
    client.send(
      new RespondToAuthChallengeCommand({
        ClientId: config.userPoolClientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: first.Session,
        ChallengeResponses: { USERNAME: credentials.username, SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );
  let result: Awaited<ReturnType<typeof answer>>;
  if (credentials.totpSecret) result = await withTotpCode(credentials.totpSecret, answer);
  else if (credentials.askCode) result = await answer(await credentials.askCode());
  else throw new Error('Sign-in asks for an authenticator (TOTP) code');
  const token = result.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`Sign-in did not finish: ${result.ChallengeName ?? 'no token'}`);
  return token;
}

/** Claims as API Gateway's JWT authoriser hands them to a function: every value a string, arrays as "[a b]". */
export function apiGatewayClaims(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}

export type TokenCheck = { ok: true; claims: Record<string, string> } | { ok: false; reason: string };

/**
 * Verifies `Authorization: Bearer <ID token>` as the stack's JWT authoriser does: RS256 signature
 * against the pool's JWKS, expiry, issuer (this pool), audience (the console's client) and
 * token_use `id`. Expiry is also checked against the local clock, so moving it (`npm run clock`) ages
 * tokens too. Then the local stand-in for the stack's pre-token-generation trigger: `dpo` counts only
 * for a user whose TOTP is set up (groupsForToken, the same rule).
 */
export function staffTokenVerifier(config: StaffAuthConfig, clock: Clock = systemClock) {
  const verifier = CognitoJwtVerifier.create({ userPoolId: config.userPoolId, tokenUse: 'id', clientId: config.userPoolClientId });
  const client = cognito(config.cognitoEndpoint, config.region);
  let jwks: Promise<void> | undefined;
  const loadJwks = () =>
    (jwks ??= (async () => {
      // moto tells its services apart by the credential scope of the Authorization header.
      const res = await fetch(`${config.cognitoEndpoint}/${config.userPoolId}/.well-known/jwks.json`, {
        headers: { authorization: `AWS4-HMAC-SHA256 Credential=local/20240101/${config.region}/cognito-idp/aws4_request, SignedHeaders=host, Signature=x` },
      });
      if (!res.ok) throw new Error(`The emulator did not serve the pool's JWKS (HTTP ${res.status})`);
      verifier.cacheJwks((await res.json()) as Parameters<typeof verifier.cacheJwks>[0]);
    })().catch((error: unknown) => {
      jwks = undefined;
      throw error;
    }));
  return async (authorization: string | undefined): Promise<TokenCheck> => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, reason: 'no bearer token' };
    await loadJwks();
    let payload: Record<string, unknown>;
    try {
      // Synchronous: only the cached JWKS, never a fetch to the (unreachable) real issuer.
      payload = verifier.verifySync(token) as Record<string, unknown>;
    } catch (error) {
      return { ok: false, reason: (error as Error).constructor.name };
    }
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= clock.now().getTime()) return { ok: false, reason: 'expired by the local clock' };
    const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as string[]) : [];
    if (groups.includes('dpo')) {
      const user = await client.send(new AdminGetUserCommand({ UserPoolId: config.userPoolId, Username: String(payload['cognito:username']) }));
      payload['cognito:groups'] = groupsForToken(groups, user.UserMFASettingList?.includes('SOFTWARE_TOKEN_MFA') ?? false);
    }
    return { ok: true, claims: apiGatewayClaims(payload) };
  };
}
