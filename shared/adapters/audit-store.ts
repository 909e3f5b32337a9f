/**
 * Audit table adapter: one hash chain per subject (see shared/domain/audit.ts).
 *   pk = subject (member id, or "system"), sk = the entry's seq zero-padded to 12 digits
 *
 * Append-only by construction: this adapter uses only the DynamoDB actions Query and PutItem, and
 * every put is conditional on the key being new (attribute_not_exists), so it never overwrites an
 * entry. The stack grants a function only the actions its route declares, so a route that audits
 * declares `audit: ['Query', 'PutItem']` and nothing more: no UpdateItem, DeleteItem or
 * BatchWriteItem, so a function can add entries but never change or delete them. (A put without the
 * condition would still be allowed by IAM; the condition is this code's promise, the hash chain is
 * what shows if it was broken.)
 *
 * Concurrent appends to one subject race for the same sequence number; the loser's put fails its
 * condition, and it re-reads the head and tries the next number, up to MAX_ATTEMPTS times.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nextEntry } from '../domain/audit';
import type { AuditEntry, AuditInput, AuditLog, Clock } from '../domain/ports';
import { systemClock } from './clock';
import { isConditionFailure } from './dynamodb';

export const MAX_ATTEMPTS = 5;
const SEQ_DIGITS = 12;

/** The sort key of an entry: its sequence number, zero-padded so keys sort in sequence order. */
export const seqKey = (seq: number) => String(seq).padStart(SEQ_DIGITS, '0');

/** Every attempt to append lost the race for the next sequence number. */
export class AuditAppendContentionError extends Error {
  override name = 'AuditAppendContentionError';
  constructor(readonly attempts: number) {
    // No subject in the message: it is a member id, and messages end up in logs.
    super(`Audit append gave up after ${attempts} attempts: concurrent appends kept taking the next sequence number`);
  }
}

/**
 * The entry as stored, keeping exactly the contract's fields (values as read, unconverted, so that
 * verifyChain sees any tampering): an attribute outside the contract is not hashed, so not returned.
 */
function toEntry(item: Record<string, unknown>): AuditEntry {
  const { seq, at, subject, actor, action, requestId, details, prevHash, hash } = item as unknown as AuditEntry;
  return {
    seq,
    at,
    subject,
    actor,
    action,
    ...(requestId !== undefined ? { requestId } : {}),
    ...(details !== undefined ? { details } : {}),
    prevHash,
    hash,
  };
}

export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async append(input: AuditInput): Promise<AuditEntry> {
    for (let attempt = 1; ; attempt++) {
      const entry = nextEntry(await this.last(input.subject), input, this.clock.now());
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...entry, pk: entry.subject, sk: seqKey(entry.seq) },
            // Never overwrite: an existing key means a concurrent append took this sequence number.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return entry;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new AuditAppendContentionError(attempt);
      }
    }
  }

  async entries(subject: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': subject },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) entries.push(toEntry(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  /** The subject's newest entry, read consistently so a just-won race is seen. */
  private async last(subject: string): Promise<AuditEntry | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': subject },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    if (!item) return undefined;
    // The next entry goes after the newest key, whatever its seq attribute says: a tampered seq must
    // not stop appends (verifyChain reports it).
    return { ...toEntry(item), seq: Number(item.sk) };
  }
}
