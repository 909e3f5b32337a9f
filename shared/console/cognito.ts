/// <reference lib="dom" />
/**
 * Sign-in against the Cognito user pool from the browser with plain fetch: Cognito's JSON API takes
 * `X-Amz-Target` calls without SigV4 for the public client operations (InitiateAuth,
 * RespondToAuthChallenge, AssociateSoftwareToken, VerifySoftwareToken), so no SDK goes into the bundle.
 */
import type { ConsoleConfig } from './config';

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms at which the ID token expires. */
  expiresAt: number;
}

/** What a sign-in step returns: signed in, or the next challenge with its session. */
export type SignInStep =
  | { kind: 'signed_in'; tokens: Tokens }
  | { kind: 'mfa'; session: string; username: string }
  | { kind: 'mfa_setup'; session: string; username: string }
  | { kind: 'new_password'; session: string; username: string };

/** A refusal from Cognito, with its error type (`NotAuthorizedException`, `CodeMismatchException`, ...). */
export class CognitoError extends Error {
  override name = 'CognitoError';
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface AuthResult {
  AuthenticationResult?: { IdToken: string; AccessToken: string; RefreshToken?: string; ExpiresIn: number };
  ChallengeName?: string;
  Session?: string;
}

async function call<T>(config: ConsoleConfig, operation: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(config.cognitoEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) {
    const type = String(json.__type ?? res.headers.get('x-amzn-errortype') ?? 'Error')
      .split('#')
      .pop()!
      .split(':')[0]!;
    throw new CognitoError(type, String(json.message ?? json.Message ?? `HTTP ${res.status}`));
  }
  return json as T;
}

function step(result: AuthResult, username: string, previousRefresh?: string): SignInStep {
  const auth = result.AuthenticationResult;
  if (auth) {
    const refreshToken = auth.RefreshToken ?? previousRefresh;
    return {
      kind: 'signed_in',
      tokens: { idToken: auth.IdToken, accessToken: auth.AccessToken, ...(refreshToken ? { refreshToken } : {}), expiresAt: tokenExpiry(auth.IdToken) },
    };
  }
  const session = result.Session ?? '';
  switch (result.ChallengeName) {
    case 'SOFTWARE_TOKEN_MFA':
      return { kind: 'mfa', session, username };
    case 'MFA_SETUP':
      return { kind: 'mfa_setup', session, username };
    case 'NEW_PASSWORD_REQUIRED':
      return { kind: 'new_password', session, username };
    default:
      throw new CognitoError('UnsupportedChallenge', `Sign-in asked for ${result.ChallengeName ?? 'nothing'}, which this console does not support`);
  }
}

export const signIn = async (config: ConsoleConfig, username: string, password: string) =>
  step(
    await call<AuthResult>(config, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
    username,
  );

export const answerMfa = async (config: ConsoleConfig, session: string, username: string, code: string) =>
  step(
    await call<AuthResult>(config, 'RespondToAuthChallenge', {
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ClientId: config.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
    }),
    username,
  );

export const setNewPassword = async (config: ConsoleConfig, session: string, username: string, password: string) =>
  step(
    await call<AuthResult>(config, 'RespondToAuthChallenge', {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: config.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: password },
    }),
    username,
  );

/** First step of TOTP set-up: the secret to put into an authenticator app. */
export const startTotpSetup = (config: ConsoleConfig, session: string) =>
  call<{ SecretCode: string; Session?: string }>(config, 'AssociateSoftwareToken', { Session: session });

/** Second step: the app's first code proves the secret was taken; then the challenge is answered. */
export async function finishTotpSetup(config: ConsoleConfig, session: string, username: string, code: string): Promise<SignInStep> {
  const verified = await call<{ Status: string; Session?: string }>(config, 'VerifySoftwareToken', { Session: session, UserCode: code });
  if (verified.Status !== 'SUCCESS') throw new CognitoError('CodeMismatchException', 'The code was not accepted');
  return step(
    await call<AuthResult>(config, 'RespondToAuthChallenge', {
      ChallengeName: 'MFA_SETUP',
      ClientId: config.clientId,
      Session: verified.Session ?? session,
      ChallengeResponses: { USERNAME: username },
    }),
    username,
  );
}

export const refresh = async (config: ConsoleConfig, refreshToken: string) =>
  step(
    await call<AuthResult>(config, 'InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: config.clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
    '',
    refreshToken,
  );

/** The claims of a JWT, read (not verified: the API verifies) to show who is signed in and for how long. */
export function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export const tokenExpiry = (token: string) => Number(claimsOf(token).exp ?? 0) * 1000;
