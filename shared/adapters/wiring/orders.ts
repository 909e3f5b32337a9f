/** Purchase records from the storefront backend. */
import { tableName } from '../../config';
import { systemClock } from '../clock';
import { documentClient } from '../dynamodb';
import { DynamoOrderStore } from '../order-store';

export const orderDeps = () => ({ orders: new DynamoOrderStore(documentClient(), tableName('orders')), clock: systemClock });
