/**
 * Environment read once per cold start and checked; a missing or malformed setting fails the cold
 * start loudly instead of surfacing later as a 500 on some request.
 */
import { TABLES, type TableKey } from './resources';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`Environment variable ${name} is not set`);
  return value;
}

export const tableName = (key: TableKey) => requireEnv(TABLES[key].envVar);

export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

export function positiveIntOrZero(name: string, fallback: number): number {
  return process.env[name] === '0' ? 0 : positiveInt(name, fallback);
}

export const stage = () => process.env.STAGE ?? 'local';
