/** Data-subject requests (policy 2.1): intake by form and mail, confirmation, and completion by staff. */
import { requireEnv, runtimeConfig, tableName } from '../../config';
import { BUCKETS } from '../../resources';
import { systemClock } from '../clock';
import { documentClient } from '../dynamodb';
import { S3Exports } from '../export-store';
import { DynamoPersonalData } from '../personal-data';
import { secretKey } from '../secrets';
import { auditLog, completionSettings, eventPublisher, mailer, publicUrl, reportUnsettled } from './common';
import { chainStarter, deadlineSettings } from './deadlines';
import { disclosureStore, memberStore } from './members';
import { configuredSystems } from './fulfilment';
import { requestStore } from './request-store';
import { subscriptionDeps, subscriptionReadDeps, suppressor } from './subscriptions';

export { requestStore };

export const requestDeps = () => ({
  onUnsettled: reportUnsettled,
  deadlines: chainStarter(),
  subscriptions: subscriptionDeps(),
  events: eventPublisher(),
  requests: requestStore(),
  members: memberStore(),
  audit: auditLog(),
  mailer: mailer(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  settings: {
    deadlines: deadlineSettings(),
    publicUrl: publicUrl(),
    shopName: runtimeConfig().SHOP_NAME,
    linkDays: runtimeConfig().LINK_DAYS,
    limits: {
      mailsPerAddressPerDay: runtimeConfig().MAILS_PER_ADDRESS_PER_DAY,
      requestsPerSourcePerDay: runtimeConfig().REQUESTS_PER_SOURCE_PER_DAY,
    },
  },
});

export const personalData = () =>
  new DynamoPersonalData(documentClient(), { visits: tableName('visits'), consents: tableName('consents'), orders: tableName('orders') });

export const exportStore = () => new S3Exports(requireEnv(BUCKETS.exports.envVar));

export const completionDeps = () => ({
  onUnsettled: reportUnsettled,
  requests: requestStore(),
  members: memberStore(),
  data: personalData(),
  suppressionList: subscriptionReadDeps().subscriptions,
  disclosures: disclosureStore(),
  exports: exportStore(),
  suppress: suppressor(),
  events: eventPublisher(),
  systems: configuredSystems(),
  audit: auditLog(),
  mailer: mailer(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  settings: completionSettings(),
});
