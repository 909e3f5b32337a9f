/**
 * The audit trail's hash chain, one chain per subject (a member id, or "system").
 *
 * Every entry carries the hash of the entry before it (the first one carries GENESIS_HASH) and its
 * own hash over prevHash + the canonical JSON of its fields. Editing an entry without recomputing
 * its hash shows as a hash mismatch at that entry; recomputing it breaks the link to the next one;
 * deleting one leaves a gap in the sequence. Deleting the newest entries (truncation) cannot be seen
 * from the chain alone: compare `head` with a head kept elsewhere for that.
 *
 * The chain is tamper-evident, not tamper-proof: anyone who can write the table and knows this
 * algorithm can rebuild a whole chain. The guard against that is that functions may only append.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditInput } from './ports';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (by UTF-16 code unit, at every depth) and no whitespace, so equal
 * data gives the same text whatever order its properties were set in. Otherwise as JSON.stringify:
 * toJSON is honoured, undefined properties are left out, undefined in arrays becomes null. Values
 * that JSON would turn into something else silently (Map, Set, BigInt, cycles) are refused.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value, '', new Set());
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON representation');
  return text;
}

function serialize(input: unknown, key: string, ancestors: Set<object>): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: BigInt has no JSON representation');
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Map || value instanceof Set) throw new TypeError('canonicalJson: Map and Set have no JSON representation');
  if (ancestors.has(value)) throw new TypeError('canonicalJson: the value contains a cycle');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item, i) => serialize(item, String(i), ancestors) ?? 'null').join(',')}]`;
    }
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const name of Object.keys(record).sort()) {
      const text = serialize(record[name], name, ancestors);
      if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

/** SHA-256 (hex) over prevHash + the canonical JSON of the entry's fields; `hash` itself is not hashed. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  // The fields are named one by one: an attribute outside the contract never changes a hash.
  const { seq, at, subject, actor, action, requestId, details, prevHash } = entry;
  return createHash('sha256')
    .update(prevHash, 'utf8')
    .update(canonicalJson({ seq, at, subject, actor, action, requestId, details, prevHash }), 'utf8')
    .digest('hex');
}

/**
 * The entry that follows `previous` (undefined for the subject's first entry). `details` is stored
 * as its canonical JSON parsed back, so what is stored and read back is exactly what was hashed
 * (a Date becomes its ISO string, undefined members disappear).
 */
export function nextEntry(previous: AuditEntry | undefined, input: AuditInput, now: Date): AuditEntry {
  if (previous && previous.subject !== input.subject) {
    throw new Error('nextEntry: the previous entry belongs to another subject\u2019s chain');
  }
  const entry: Omit<AuditEntry, 'hash'> = {
    seq: previous ? previous.seq + 1 : 1,
    at: now.toISOString(),
    subject: input.subject,
    actor: input.actor,
    action: input.action,
    ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
    ...(input.details !== undefined ? { details: JSON.parse(canonicalJson(input.details)) as Record<string, unknown> } : {}),
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...entry, hash: hashEntry(entry) };
}

export type ChainBreak = 'hash_mismatch' | 'broken_link' | 'sequence_gap';

export type ChainVerification =
  | { ok: true; entries: number; head?: string }
  | {
      ok: false;
      entries: number;
      /** The first sequence number that could not be verified: entries 1 .. firstBrokenSeq - 1 are intact. */
      firstBrokenSeq: number;
      reason: ChainBreak;
    };

/** A sort position for an entry; a seq that is not a number (a tampered item) sorts last. */
const position = (entry: AuditEntry) => (typeof entry.seq === 'number' && !Number.isNaN(entry.seq) ? entry.seq : Number.POSITIVE_INFINITY);

function hashMatches(entry: AuditEntry): boolean {
  try {
    return hashEntry(entry) === entry.hash;
  } catch {
    return false; // a value canonicalJson refuses cannot have been written by nextEntry
  }
}

/**
 * Checks one subject's chain (in any order: entries are sorted by seq first) and reports the first
 * break: a missing (or duplicated) sequence number is a `sequence_gap`, an entry whose fields do not
 * give its hash is a `hash_mismatch`, an entry whose prevHash is not the previous entry's hash is a
 * `broken_link`.
 */
export function verifyChain(entries: AuditEntry[]): ChainVerification {
  const sorted = [...entries].sort((a, b) => position(a) - position(b) || 0);
  let prevHash = GENESIS_HASH;
  for (const [index, entry] of sorted.entries()) {
    const expected = index + 1;
    const fail = (reason: ChainBreak): ChainVerification => ({ ok: false, entries: entries.length, firstBrokenSeq: expected, reason });
    if (entry.seq !== expected) return fail('sequence_gap');
    if (!hashMatches(entry)) return fail('hash_mismatch');
    if (entry.prevHash !== prevHash) return fail('broken_link');
    prevHash = entry.hash;
  }
  const last = sorted.at(-1);
  return last ? { ok: true, entries: entries.length, head: last.hash } : { ok: true, entries: 0 };
}
