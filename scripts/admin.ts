/**
 * `npm run admin -- <command> [options]` (`npm run admin -- help` lists them): the staff tool over
 * the admin API, locally or against a deployed stage. People routes get the ID token of a person
 * signed in to the staff user pool (locally: the running `npm start`'s demo people); machine (IAM)
 * routes get SigV4. Parsing, signing and the command table live in `lib/admin-cli.ts`; this file
 * reads the target, signs in, sends and prints.
 *
 * Exit codes: 0 done (or help), 1 the call failed (HTTP error, network, credentials, broken audit
 * chain), 2 usage error (unknown command, bad or missing option).
 */
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { StaffGroup } from '../shared/domain/staff-access';
import { buildRequest, describeApiError, isLoopback, parseCommand, presentAnswer, regionFor, signedRequest, type OutgoingRequest } from './lib/admin-cli';

const TIMEOUT_MS = 30_000;

class Failure extends Error {}

async function targetUrl(explicit: string | undefined): Promise<string> {
  if (explicit) return explicit;
  const fromEnv = process.env.PRIVACY_API_URL;
  if (fromEnv) {
    try {
      return new URL(fromEnv).toString();
    } catch {
      throw new Failure(`PRIVACY_API_URL is not a URL: "${fromEnv}"`);
    }
  }
  // Loaded only here: the local system's module pulls in the emulator tooling. PORT picks the
  // instance when several `npm start` run; with one running it is found alone.
  const { readLocalState } = await import('./lib/local-system');
  try {
    return readLocalState().url;
  } catch (error) {
    throw new Failure(`${(error as Error).message}\nOr name a deployed API with --url URL or PRIVACY_API_URL.`);
  }
}

async function sign(request: OutgoingRequest, base: string, region: string | undefined): Promise<OutgoingRequest> {
  let signingRegion: string;
  try {
    signingRegion = regionFor(base, region, process.env.AWS_REGION);
  } catch (error) {
    throw new Failure((error as Error).message);
  }
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const provider = defaultProvider();
  let credentials: Awaited<ReturnType<typeof provider>>;
  try {
    credentials = await provider();
  } catch (error) {
    throw new Failure(`No AWS credentials for signing: ${(error as Error).message}\nSign in first (e.g. \`aws sso login\`, or set AWS_PROFILE).`);
  }
  return signedRequest(request, { region: signingRegion, credentials });
}

/** Asks on the terminal; `secret` answers are not echoed. */
async function ask(question: string, secret = false): Promise<string> {
  if (!process.stdin.isTTY) throw new Failure(`${question.replace(/: $/, '')} is needed and there is no terminal to ask on`);
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = rl.question(question);
    muted = secret;
    return (await answer).trim();
  } finally {
    rl.close();
    if (secret) process.stderr.write('\n');
  }
}

/**
 * The ID token for a people route. With STAFF_USERNAME: that person (password from STAFF_PASSWORD or
 * asked; the authenticator code from STAFF_TOTP_CODE or asked when Cognito wants one). Without it,
 * against the running `npm start`: its demo person of the group the route needs (or `--as`).
 */
async function idToken(base: string, role: StaffGroup, region: string | undefined): Promise<string> {
  const { signIn } = await import('./lib/local-staff-auth');
  const username = process.env.STAFF_USERNAME;
  try {
    if (!username) {
      if (!isLoopback(base)) throw new Failure('Sign in to the staff user pool: set STAFF_USERNAME (and STAFF_PASSWORD, or type it when asked).');
      const { readLocalState } = await import('./lib/local-system');
      let staffAuth: Awaited<ReturnType<typeof readLocalState>>['staffAuth'];
      try {
        staffAuth = readLocalState().staffAuth;
      } catch (error) {
        throw new Failure(`${(error as Error).message}\nOr sign in as a person of the pool: STAFF_USERNAME, STAFF_PASSWORD, PRIVACY_STAFF_CLIENT_ID.`);
      }
      if (!staffAuth) throw new Failure('The running local system has no staff user pool: restart `npm start`.');
      return await signIn(staffAuth, staffAuth.users[role]);
    }
    const clientId = process.env.PRIVACY_STAFF_CLIENT_ID;
    if (!clientId) throw new Failure('Set PRIVACY_STAFF_CLIENT_ID to the stack output StaffUserPoolClientId.');
    const password = process.env.STAFF_PASSWORD || (await ask(`Password of ${username}: `, true));
    const code = process.env.STAFF_TOTP_CODE;
    const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
    const poolRegion = region ?? (isLoopback(base) ? process.env.AWS_REGION : regionFor(base, undefined, process.env.AWS_REGION));
    return await signIn(
      { userPoolClientId: clientId },
      { username, password, askCode: async () => code || ask('Authenticator code: ') },
      new CognitoIdentityProviderClient(poolRegion ? { region: poolRegion } : {}),
    );
  } catch (error) {
    if (error instanceof Failure) throw error;
    throw new Failure(`Sign-in failed: ${(error as Error).message}`);
  }
}

async function send(request: OutgoingRequest): Promise<{ status: number; ok: boolean; body: unknown }> {
  // fetch sets Host from the URL (the value that was signed) and will not take it from us.
  const { host: _host, ...headers } = request.headers;
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new Failure(`Cannot reach ${new URL(request.url).origin}: ${why}`);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: res.status, ok: res.ok, body };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv);
  if (parsed.kind === 'help') {
    console.log(parsed.text);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    console.error(`${parsed.message}\n\n${parsed.usage}`);
    return 2;
  }
  try {
    const base = await targetUrl(parsed.url);
    const unsigned = buildRequest(base, parsed.call);
    const people = parsed.auth === 'staff' || parsed.auth === 'dpo';
    const request = people
      ? {
          ...unsigned,
          headers: { ...unsigned.headers, authorization: `Bearer ${await idToken(base, parsed.as ?? (parsed.auth as StaffGroup), parsed.region)}` },
        }
      : isLoopback(base)
        ? unsigned
        : await sign(unsigned, base, parsed.region);
    const answer = await send(request);
    if (!answer.ok) {
      console.error(describeApiError(answer.status, answer.body));
      return 1;
    }
    const { output, failure } = presentAnswer(parsed.command, answer.body);
    console.log(parsed.json ? JSON.stringify(output) : JSON.stringify(output, null, 2));
    if (failure) {
      console.error(failure);
      return 1;
    }
    return 0;
  } catch (error) {
    console.error(error instanceof Failure ? error.message : `${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
