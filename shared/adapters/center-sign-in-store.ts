/**
 * Privacy-center sign-in links and the sessions they become, in the Requests table under
 * "SIGNIN#<id>" keys (beside the rate counters: short-lived items with no index attributes, so the
 * table's indexes never see them). `expiresAt` is the table's TTL attribute: an unused link goes a
 * while after it expires, a used one after its session; the code checks every time itself, since TTL
 * deletion lags.
 */
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CenterSignIn, CenterSignInStore } from '../domain/privacy-center';
import { isConditionFailure } from './dynamodb';

type Item = CenterSignIn & { pk: string; expiresAt: number };
const keyOf = (id: string) => `SIGNIN#${id}`;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const strip = ({ pk: _pk, expiresAt: _e, ...signIn }: Item): CenterSignIn => signIn;

export class DynamoCenterSignInStore implements CenterSignInStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(signIn: CenterSignIn) {
    const item: Item = { pk: keyOf(signIn.id), ...signIn, expiresAt: epochSeconds(signIn.linkExpiresAt) };
    await this.db.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  /**
   * A one-item transaction rather than a plain conditional update: DynamoDB makes either atomic, but
   * the local emulator evaluates a plain update's condition without isolation (two racing uses both
   * passed it there), while the local mode sends it transactions one at a time. The price is two
   * write units once per sign-in.
   */
  async redeem(id: string, now: Date, sessionExpiresAt: Date) {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk: keyOf(id) },
                UpdateExpression: 'SET usedAt = :now, sessionExpiresAt = :until, expiresAt = :ttl',
                // One use: of concurrent uses of one link exactly one passes this condition.
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND linkExpiresAt > :now',
                ExpressionAttributeValues: {
                  ':now': now.toISOString(),
                  ':until': sessionExpiresAt.toISOString(),
                  ':ttl': epochSeconds(sessionExpiresAt.toISOString()),
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
    return this.get(id);
  }

  async get(id: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: keyOf(id) }, ConsistentRead: true }));
    return Item ? strip(Item as Item) : undefined;
  }

  async signOut(id: string, now: Date) {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: keyOf(id) },
          UpdateExpression: 'SET signedOutAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
