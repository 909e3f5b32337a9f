/** Visit logging: beacons (consent-checked by token), member links, staff queries. */
import { runtimeConfig, tableName } from '../../config';
import { systemClock } from '../clock';
import { documentClient } from '../dynamodb';
import { cameThroughEdge, ispLookup } from '../isp';
import { secretKey } from '../secrets';
import { DynamoVisitStore } from '../visit-store';
import { consentStore } from './consent';
import { memberStore } from './members';

const visitStore = () => new DynamoVisitStore(documentClient(), tableName('visits'));

export const visitDeps = () => ({
  visits: visitStore(),
  consents: consentStore(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  retentionDays: runtimeConfig().VISIT_RETENTION_DAYS,
  isp: ispLookup(runtimeConfig().ISP_SOURCE, runtimeConfig().ASN_DATABASE_PATH, secretKey('edgeKey')),
  // Deployed behind CloudFront at a function URL: only requests through the distribution are served.
  ...(runtimeConfig().EDGE_KEY_REQUIRED === 'true' ? { cameThroughEdge: cameThroughEdge(secretKey('edgeKey')) } : {}),
});

export const visitQueryDeps = () => ({ visits: visitStore() });

export const visitLinkDeps = () => ({
  ...visitQueryDeps(),
  members: memberStore(),
  clock: systemClock,
  retentionDays: runtimeConfig().VISIT_RETENTION_DAYS,
});
