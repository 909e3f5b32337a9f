/**
 * What the console needs to know about where it runs, served beside it as `/console/config.json`:
 * locally by the console-serving module of `npm start`, in AWS written into the site bucket by the
 * stack (infra/constructs/console-site.ts). One shape for both, so the two cannot drift apart.
 */
export interface ConsoleConfig {
  /** Base URL of the HTTP API, without a trailing slash; '' when the API is on the console's own origin. */
  apiBaseUrl: string;
  /** The stage's name (shown in the header, so nobody mistakes a test system for production). */
  stage: string;
  /** The Cognito user pool staff sign in to. */
  region: string;
  userPoolId: string;
  clientId: string;
  /** Where Cognito's JSON API answers: `https://cognito-idp.<region>.amazonaws.com/` in AWS, a same-origin proxy locally. */
  cognitoEndpoint: string;
}

export const CONFIG_FILE = 'config.json';

export async function loadConfig(base: string): Promise<ConsoleConfig> {
  const res = await fetch(`${base}${CONFIG_FILE}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${CONFIG_FILE}: HTTP ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}
