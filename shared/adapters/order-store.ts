/** Orders table: pk = order id, so a reported order is recorded once; index byMember for exports. */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import { sameOrder, type Order } from '../domain/orders';
import type { OrderStore, SaveOutcome } from '../domain/ports';
import { isConditionFailure } from './dynamodb';

export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(order: Order): Promise<SaveOutcome> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: { pk: order.orderId, ...order }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'created';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: order.orderId }, ConsistentRead: true }));
      if (Item && sameOrder(Item as Order, order)) return 'duplicate';
      throw new ConflictError('order_exists', `Order "${order.orderId}" was already recorded with different details`);
    }
  }
}
