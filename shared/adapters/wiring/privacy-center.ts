/** The customers' privacy center: sign-in links and sessions, and what a session may read and change. */
import { requireEnv, runtimeConfig, tableName } from '../../config';
import type { CenterDeps, CenterSettings } from '../../domain/privacy-center';
import { DynamoCenterSignInStore } from '../center-sign-in-store';
import { systemClock } from '../clock';
import { documentClient } from '../dynamodb';
import { secretKey } from '../secrets';
import { auditLog, mailer, publicUrl } from './common';
import { disclosureStore, memberStore } from './members';
import { requestStore } from './request-store';
import { exportStore, personalData } from './requests';
import { subscriptionDeps, subscriptionReadDeps } from './subscriptions';

/** Sessions and the links they come from; every center function checks a session with these. */
export const centerDeps = (): CenterDeps => ({
  signIns: new DynamoCenterSignInStore(documentClient(), tableName('requests')),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
});

/** The stage's storefront origins and the API's own (a page it serves itself, such as the local demo shop). */
const centerSettings = (): CenterSettings => ({
  pageOrigins: [...requireEnv('ALLOWED_ORIGINS').split(/\s+/).filter(Boolean), new URL(publicUrl()).origin],
  shopName: runtimeConfig().SHOP_NAME,
  limits: { mailsPerAddressPerDay: runtimeConfig().MAILS_PER_ADDRESS_PER_DAY, requestsPerSourcePerDay: runtimeConfig().REQUESTS_PER_SOURCE_PER_DAY },
});

export const signInDeps = () => ({ ...centerDeps(), requests: requestStore(), mailer: mailer(), settings: centerSettings() });

export const overviewDeps = () => ({ ...centerDeps(), requests: requestStore(), ...subscriptionReadDeps() });

export const marketingDeps = () => ({ ...subscriptionDeps(), ...centerDeps(), members: memberStore(), audit: auditLog() });

export const centerExportDeps = () => ({
  ...centerDeps(),
  requests: requestStore(),
  members: memberStore(),
  data: personalData(),
  disclosures: disclosureStore(),
  suppressionList: subscriptionReadDeps().subscriptions,
  audit: auditLog(),
  exports: exportStore(),
});
