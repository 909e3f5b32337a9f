/** The staff console's reads and request actions: each builds only the ports its route declares. */
import { tableName } from '../../config';
import { systemClock } from '../clock';
import { documentClient } from '../dynamodb';
import { DynamoMemberStore } from '../member-store';
import { DynamoPersonalData } from '../personal-data';
import { DynamoVisitStore } from '../visit-store';
import { auditLog, completionSettings, reportUnsettled } from './common';
import { chainStarter, deadlineSettings } from './deadlines';
import { disclosureStore } from './members';
import { requestStore } from './request-store';
import { subscriptionReadDeps } from './subscriptions';

/** Staff read members; only the storefront backend writes them, so no partner keys are loaded here. */
const memberReader = () => new DynamoMemberStore(documentClient(), tableName('members'));
const visitStore = () => new DynamoVisitStore(documentClient(), tableName('visits'));

export const requestReadDeps = () => ({
  requests: requestStore(),
  members: memberReader(),
  audit: auditLog(),
  clock: systemClock,
  deadlines: deadlineSettings(),
});

export const requestActionDeps = () => ({
  requests: requestStore(),
  audit: auditLog(),
  clock: systemClock,
  deadlines: deadlineSettings(),
  onUnsettled: reportUnsettled,
});

/** Reclassifying may move the due date, so it restarts the deadline chain. */
export const reclassifyDeps = () => ({ ...requestActionDeps(), startChain: chainStarter() });

export const memberLookupDeps = () => ({ members: memberReader(), visits: visitStore() });

export const memberViewDeps = () => ({
  members: memberReader(),
  visits: visitStore(),
  data: new DynamoPersonalData(documentClient(), { visits: tableName('visits'), consents: tableName('consents'), orders: tableName('orders') }),
  requests: requestStore(),
  disclosures: disclosureStore(),
  subscriptions: subscriptionReadDeps().subscriptions,
  audit: auditLog(),
  clock: systemClock,
});

/** The completion preview reads the request and its member and mints no link: no key, no bucket, no mailer. */
export const previewDeps = () => ({
  requests: requestStore(),
  members: memberReader(),
  clock: systemClock,
  settings: completionSettings(),
});
