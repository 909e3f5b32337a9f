/** The request table alone: what status pages, the staff queue and the deadline chains read. */
import { tableName } from '../../config';
import { documentClient } from '../dynamodb';
import { DynamoRequestStore } from '../request-store';

export const requestStore = () => new DynamoRequestStore(documentClient(), tableName('requests'));
