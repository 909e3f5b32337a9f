/**
 * Secret keys: in AWS read once per cold start from Secrets Manager (ARN in env); locally taken from
 * an environment variable. The value never appears in logs or in the template.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../config';
import type { SigningKey } from '../domain/ports';
import { PARTNER_SECRETS, SECRETS, type SecretKey } from '../resources';

const MIN_KEY_BYTES = 32;

/** A key read once and checked; a failed read is not cached, so a transient error heals on the next call. */
function cachedKey(label: string, read: () => Promise<string | undefined>): SigningKey {
  let pending: Promise<Uint8Array> | undefined;
  const load = async (): Promise<Uint8Array> => {
    const value = await read();
    if (!value) throw new ConfigError(`No value for the ${label} secret`);
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length < MIN_KEY_BYTES) throw new ConfigError(`The ${label} secret must be at least ${MIN_KEY_BYTES} bytes`);
    return bytes;
  };
  return () => {
    pending ??= load().catch((error) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export function secretKey(name: SecretKey, client?: SecretsManagerClient): SigningKey {
  const def = SECRETS[name];
  return cachedKey(name, async () => {
    const local = process.env[def.localEnvVar];
    const arn = process.env[def.arnEnvVar];
    if (local) return local;
    if (!arn) throw new ConfigError(`Neither ${def.localEnvVar} nor ${def.arnEnvVar} gives the ${name} secret`);
    const out = await (client ?? new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: arn }));
    return out.SecretString;
  });
}

function jsonMap(name: string): Record<string, string> {
  const raw = process.env[name];
  if (!raw) return {};
  try {
    const map = JSON.parse(raw) as unknown;
    if (map && typeof map === 'object' && !Array.isArray(map) && Object.values(map).every((v) => typeof v === 'string')) return map as Record<string, string>;
  } catch {
    // reported below
  }
  throw new ConfigError(`${name} must be a JSON object of strings`);
}

/**
 * Each joint-marketing partner's own HMAC key (policy 5), by partner id: one Secrets Manager secret
 * per partner (PARTNER_SECRET_ARNS, a JSON map of id to ARN), locally PARTNER_KEYS (id to key). Read
 * on first use per partner and cached; undefined for a partner that has no key here.
 */
export function partnerKeys(client?: SecretsManagerClient): (partnerId: string) => Promise<Uint8Array | undefined> {
  const local = jsonMap(PARTNER_SECRETS.localEnvVar);
  const arns = jsonMap(PARTNER_SECRETS.arnsEnvVar);
  const loaded = new Map<string, SigningKey>();
  return async (partnerId) => {
    if (!Object.hasOwn(local, partnerId) && !Object.hasOwn(arns, partnerId)) return undefined;
    let key = loaded.get(partnerId);
    if (!key) {
      key = cachedKey(`partner ${partnerId}`, async () => {
        if (Object.hasOwn(local, partnerId)) return local[partnerId];
        const out = await (client ?? new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: arns[partnerId] }));
        return out.SecretString;
      });
      loaded.set(partnerId, key);
    }
    return key();
  };
}
