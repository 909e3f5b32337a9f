/**
 * Consents table layout (one partition per visitor, so a visitor's data is one Query away):
 *   pk = visitorId, sk = "CURRENT"             the choices in force (overwritten)
 *   pk = visitorId, sk = "CURRENT#STOPPED"     present once the visitor's member was deactivated:
 *                                              profiling stopped (policy 2.2); no consent overwrites it
 *   pk = visitorId, sk = "RECEIPT#<receiptId>" append-only history (written once, never updated)
 * The current state and its receipt are written in one transaction: never one without the other.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentRecord } from '../domain/consent';
import type { ConsentStore, SaveOutcome } from '../domain/ports';
import { isConditionFailure } from './dynamodb';

const CURRENT = 'CURRENT';
/** Sorts right after CURRENT, so the beacon path reads both with one Query for the price of one read. */
export const PROFILING_STOPPED = 'CURRENT#STOPPED';
export const RECEIPT_PREFIX = 'RECEIPT#';
const receiptKey = (id: string) => `${RECEIPT_PREFIX}${id}`;

type Item = ConsentRecord & { pk: string; sk: string; memberId?: string; currentMemberId?: string };
/**
 * Items written before member links moved to the storefront backend may still carry a member id
 * (`memberId`, `currentMemberId`) from a public, unverified claim: never read back, never shown.
 */
const strip = ({ pk: _pk, sk: _sk, memberId: _m, currentMemberId: _c, ...record }: Item): ConsentRecord => record;

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
                Item: { pk: record.visitorId, sk: CURRENT, ...record },
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
    return Item ? strip(Item as Item) : undefined;
  }

  async currentChoices(visitorId: string): Promise<{ analytics: boolean; receiptId: string; profilingStopped?: boolean } | undefined> {
    // Eventually consistent, both small items in one Query: half a read unit, on every beacon.
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :v AND begins_with(sk, :current)',
        ExpressionAttributeValues: { ':v': visitorId, ':current': CURRENT },
        ProjectionExpression: 'sk, choices.analytics, receiptId',
      }),
    );
    const current = Items.find((i) => i.sk === CURRENT);
    if (!current) return undefined;
    const stopped = Items.some((i) => i.sk === PROFILING_STOPPED);
    return { analytics: current.choices?.analytics === true, receiptId: String(current.receiptId), ...(stopped ? { profilingStopped: true } : {}) };
  }

  async receipt(visitorId: string, receiptId: string): Promise<ConsentRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: visitorId, sk: receiptKey(receiptId) }, ConsistentRead: true }));
    return Item ? strip(Item as Item) : undefined;
  }
}
