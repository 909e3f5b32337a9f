/** Members as the storefront backend registers them, and the disclosure register (policy 2.2, 5). */
import { runtimeConfig, tableName } from '../../config';
import { systemClock } from '../clock';
import { DynamoDisclosureStore } from '../disclosure-store';
import { documentClient } from '../dynamodb';
import { DynamoMemberStore } from '../member-store';
import { secretKey } from '../secrets';
import { auditLog } from './common';

/** The partner key is read only where members are written or checked. */
export const memberStore = () => new DynamoMemberStore(documentClient(), tableName('members'), secretKey('partnerKey'));
export const disclosureStore = () => new DynamoDisclosureStore(documentClient(), tableName('disclosures'));

export const memberDeps = () => ({
  members: memberStore(),
  audit: auditLog(),
  clock: systemClock,
  holdDays: runtimeConfig().DISPUTE_HOLD_DAYS,
});

export const disclosureDeps = () => ({
  disclosures: disclosureStore(),
  members: memberStore(),
  audit: auditLog(),
  clock: systemClock,
});
