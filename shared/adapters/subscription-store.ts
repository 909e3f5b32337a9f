/** Subscriptions table (the suppression list): pk = SHA-256 of the lower-cased address. */
import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Locale } from '../domain/members';
import type { Subscription, SubscriptionStore, UnsubscribeVia } from '../domain/ports';
import { isConditionFailure } from './dynamodb';

type Item = Omit<Subscription, 'key'> & { pk: string; noticeQueue?: string };
const toSubscription = ({ pk, noticeQueue: _q, ...rest }: Item): Subscription => ({ key: pk, ...rest });
/** The one partition of the sparse byOwedNotice index: only addresses whose notice is still owed carry it. */
const NOTICE_QUEUE = 'OWED';
const OWED_MARKERS = 'noticeQueue, noticeOwedSince, noticeLocale';

export class DynamoSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(key: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: key } }));
    return Item ? toSubscription(Item as Item) : undefined;
  }

  async getMany(keys: string[]) {
    const out: Subscription[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: { pk: string }[] = keys.slice(i, i + 100).map((pk) => ({ pk }));
      for (let attempt = 1; pending.length; attempt++) {
        const res = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }));
        out.push(...((res.Responses?.[this.table] ?? []) as Item[]).map(toSubscription));
        pending = (res.UnprocessedKeys?.[this.table]?.Keys ?? []) as { pk: string }[];
        if (pending.length && attempt >= 6) throw new Error(`${pending.length} subscription reads stayed unprocessed`);
        if (pending.length) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      }
    }
    return out;
  }

  async register(key: string, email: string, now: Date) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: key },
        UpdateExpression: 'SET email = if_not_exists(email, :e), subscribed = if_not_exists(subscribed, :t), linkIssuedAt = if_not_exists(linkIssuedAt, :now)',
        ExpressionAttributeValues: { ':e': email, ':t': true, ':now': now.toISOString() },
      }),
    );
  }

  async suppress(key: string, email: string, via: UnsubscribeVia, now: Date, requestId?: string) {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: key },
        // The first unsubscribe's time and channel are the record; later ones change nothing.
        UpdateExpression: `SET email = if_not_exists(email, :e), subscribed = :f, unsubscribedAt = if_not_exists(unsubscribedAt, :now), via = if_not_exists(via, :via)${
          requestId ? ', requestId = if_not_exists(requestId, :r)' : ''
        }`,
        ExpressionAttributeValues: { ':e': email, ':f': false, ':now': now.toISOString(), ':via': via, ...(requestId ? { ':r': requestId } : {}) },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return out.Attributes?.subscribed !== false;
  }

  async resubscribe(key: string, email: string, now: Date) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: key },
        // The old unsubscribe's time, channel and notice go: the next unsubscribe is a new one, told again.
        UpdateExpression: `SET email = if_not_exists(email, :e), subscribed = :t, resubscribedAt = :now REMOVE unsubscribedAt, via, requestId, confirmedAt, noticeClaimedUntil, ${OWED_MARKERS}`,
        ExpressionAttributeValues: { ':e': email, ':t': true, ':now': now.toISOString() },
      }),
    );
  }

  async markConfirmed(key: string, now: Date) {
    return this.conditionalUpdate({
      Key: { pk: key },
      // The notice goes with the request's own mail: nothing is owed here any more.
      UpdateExpression: `SET confirmedAt = :now REMOVE ${OWED_MARKERS}`,
      // A link delivery sending the notice right now keeps it: one notice, whoever sends it.
      ConditionExpression: 'attribute_not_exists(confirmedAt) AND (attribute_not_exists(noticeClaimedUntil) OR noticeClaimedUntil <= :now)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    });
  }

  async claimNotice(key: string, now: Date, until: Date, locale: Locale) {
    return this.conditionalUpdate({
      Key: { pk: key },
      UpdateExpression:
        'SET noticeClaimedUntil = :until, noticeQueue = :q, noticeOwedSince = if_not_exists(noticeOwedSince, :now), noticeLocale = if_not_exists(noticeLocale, :locale)',
      ConditionExpression:
        'attribute_exists(pk) AND attribute_not_exists(confirmedAt) AND (attribute_not_exists(noticeClaimedUntil) OR noticeClaimedUntil <= :now)',
      ExpressionAttributeValues: { ':now': now.toISOString(), ':until': until.toISOString(), ':q': NOTICE_QUEUE, ':locale': locale },
    });
  }

  async owedNotices(before: Date, limit: number) {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byOwedNotice',
        KeyConditionExpression: 'noticeQueue = :q AND noticeOwedSince < :before',
        ExpressionAttributeValues: { ':q': NOTICE_QUEUE, ':before': before.toISOString() },
        Limit: limit,
      }),
    );
    return (Items as Item[]).map(toSubscription);
  }

  async noticeSent(key: string, now: Date) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: key },
        UpdateExpression: `SET confirmedAt = if_not_exists(confirmedAt, :now) REMOVE noticeClaimedUntil, ${OWED_MARKERS}`,
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }

  async releaseNotice(key: string, until: Date) {
    // Only our own claim: one that expired and was taken by another delivery stays theirs.
    await this.conditionalUpdate({
      Key: { pk: key },
      UpdateExpression: 'REMOVE noticeClaimedUntil',
      ConditionExpression: 'noticeClaimedUntil = :until',
      ExpressionAttributeValues: { ':until': until.toISOString() },
    });
  }

  /** True when the update was written, false when its condition did not hold. */
  private async conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>) {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.table, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
