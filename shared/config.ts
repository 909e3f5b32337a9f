/**
 * Environment read once per cold start and checked; a missing or malformed setting fails the cold
 * start loudly instead of surfacing later as a 500 on some request.
 */
import * as z from 'zod/mini';
import type { PolicyVersion } from './domain/policy';
import { TABLES, type TableKey } from './resources';
import { PolicyVersionSchema } from './schemas/common';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`Environment variable ${name} is not set`);
  return value;
}

export const tableName = (key: TableKey) => requireEnv(TABLES[key].envVar);

/** The stage's baseline policy version (from stage settings); published versions come on top. */
export function baselinePolicy(): PolicyVersion {
  const raw = requireEnv('POLICY_BASELINE');
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

export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = z.coerce.number().check(z.int(), z.positive()).safeParse(raw);
  if (!n.success) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n.data;
}

export function positiveIntOrZero(name: string, fallback: number): number {
  return process.env[name] === '0' ? 0 : positiveInt(name, fallback);
}

export const stage = () => process.env.STAGE ?? 'local';
