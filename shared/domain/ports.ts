/**
 * Ports: what the domain needs from the world. AWS adapters live in shared/adapters; tests use
 * in-memory or mocked implementations.
 */
import type { ConsentRecord } from './consent';
import type { PolicyVersion } from './policy';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type SaveOutcome = 'created' | 'duplicate';

export interface ConsentStore {
  /** Appends the history entry and replaces the visitor's current state, atomically. */
  save(record: ConsentRecord): Promise<SaveOutcome>;
  current(visitorId: string): Promise<ConsentRecord | undefined>;
  receipt(visitorId: string, receiptId: string): Promise<ConsentRecord | undefined>;
}

export interface PolicyStore {
  /** Published versions (the stage's baseline version is added by the caller). */
  list(): Promise<PolicyVersion[]>;
  /** Fails with ConflictError when the version exists with different content. */
  publish(version: PolicyVersion): Promise<SaveOutcome>;
}

/** The key that signs consent tokens; fetched once per cold start. */
export type SigningKey = () => Promise<Uint8Array>;
