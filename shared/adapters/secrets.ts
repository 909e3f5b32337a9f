/**
 * Secret keys: in AWS read once per cold start from Secrets Manager (ARN in env); locally taken from
 * an environment variable. The value never appears in logs or in the template.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../config';
import type { SigningKey } from '../domain/ports';
import { SECRETS, type SecretKey } from '../resources';

const MIN_KEY_BYTES = 32;

export function secretKey(name: SecretKey, client?: SecretsManagerClient): SigningKey {
  const def = SECRETS[name];
  let pending: Promise<Uint8Array> | undefined;
  const load = async (): Promise<Uint8Array> => {
    const local = process.env[def.localEnvVar];
    const arn = process.env[def.arnEnvVar];
    let value: string | undefined = local;
    if (!value && arn) {
      const out = await (client ?? new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: arn }));
      value = out.SecretString;
    }
    if (!value) throw new ConfigError(`Neither ${def.localEnvVar} nor ${def.arnEnvVar} gives the ${name} secret`);
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length < MIN_KEY_BYTES) throw new ConfigError(`The ${name} secret must be at least ${MIN_KEY_BYTES} bytes`);
    return bytes;
  };
  return () => {
    // A failed load is not cached, so a transient Secrets Manager error heals on the next request.
    pending ??= load().catch((error) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
