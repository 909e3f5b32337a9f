/** The stage's baseline policy version, from the POLICY_BASELINE setting; published versions come on top. */
import { ConfigError, runtimeConfig } from './config';
import type { PolicyVersion } from './domain/policy';
import { PolicyVersionSchema } from './schemas/common';

export function baselinePolicy(): PolicyVersion {
  const raw = runtimeConfig().POLICY_BASELINE;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError('POLICY_BASELINE is not JSON');
  }
  const parsed = PolicyVersionSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`POLICY_BASELINE is invalid: ${JSON.stringify(parsed.error.issues)}`);
  return parsed.data as PolicyVersion;
}
