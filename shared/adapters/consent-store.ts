/**
 * Consents table layout (one partition per visitor, so a visitor's data is one Query away):
 *   pk = visitorId, sk = "CURRENT"             the choices in force (overwritten)
 *   pk = visitorId, sk = "RECEIPT#<receiptId>" append-only history (written once, never updated)
 * Both are written in one transaction: never a receipt without a current state, or the reverse.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentRecord } from '../domain/consent';
import type { ConsentStore, SaveOutcome } from '../domain/ports';
import { isConditionFailure } from './dynamodb';

const CURRENT = 'CURRENT';
const receiptKey = (id: string) => `RECEIPT#${id}`;

type Item = ConsentRecord & { pk: string; sk: string };
const strip = ({ pk: _pk, sk: _sk, ...record }: Item): ConsentRecord => record;

export class DynamoConsentStore implements ConsentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async save(record: ConsentRecord): Promise<SaveOutcome> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { pk: record.visitorId, sk: receiptKey(record.receiptId), ...record },
                // Receipts are append-only; an existing one means this is a retry.
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                // The current item carries no memberId index key: the index lists receipts only.
                Item: { pk: record.visitorId, sk: CURRENT, ...record, memberId: undefined, currentMemberId: record.memberId },
              },
            },
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async current(visitorId: string): Promise<ConsentRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: visitorId, sk: CURRENT } }));
    if (!Item) return undefined;
    const { currentMemberId, ...rest } = Item as Item & { currentMemberId?: string };
    return strip({ ...rest, ...(currentMemberId ? { memberId: currentMemberId } : {}) } as Item);
  }

  async currentChoices(visitorId: string): Promise<{ analytics: boolean; receiptId: string } | undefined> {
    // Eventually consistent and projected: half a read unit, on every beacon.
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: visitorId, sk: CURRENT },
        ProjectionExpression: 'choices.analytics, receiptId',
      }),
    );
    return Item ? { analytics: Item.choices?.analytics === true, receiptId: String(Item.receiptId) } : undefined;
  }

  async receipt(visitorId: string, receiptId: string): Promise<ConsentRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: visitorId, sk: receiptKey(receiptId) }, ConsistentRead: true }));
    return Item ? strip(Item as Item) : undefined;
  }
}
