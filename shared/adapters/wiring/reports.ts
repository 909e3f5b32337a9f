/** Reports (policy 1.2): the partials and closed days of the reports table, and the report key. */
import { createHmac } from 'node:crypto';
import { runtimeConfig, tableName } from '../../config';
import { documentClient } from '../dynamodb';
import { DynamoReportStore } from '../report-store';
import { secretKey } from '../secrets';

export const reportStore = () => new DynamoReportStore(documentClient(), tableName('reports'));

export const topSearchQueries = () => runtimeConfig().REPORTS_TOP_SEARCH_QUERIES;

/** 64 bits of an HMAC: no collisions to speak of among a day's visitors, and nothing to match without the key. */
export const keyedHash = (key: Uint8Array) => (id: string) => createHmac('sha256', key).update(id).digest('base64url').slice(0, 11);

/** The report key, read once per container. */
export const reportKey = () => secretKey('reportKey');
