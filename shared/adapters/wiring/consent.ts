/** Cookie consent: reading a visitor's choices, and recording them with a signed token. */
import { runtimeConfig, tableName } from '../../config';
import { systemClock } from '../clock';
import { DynamoConsentStore } from '../consent-store';
import { documentClient } from '../dynamodb';
import { secretKey } from '../secrets';
import { policyCatalogue } from './policies';

export const consentStore = () => new DynamoConsentStore(documentClient(), tableName('consents'));

/** What reading a visitor's consent needs: no signing key, so no Secrets Manager client. */
export const consentReadDeps = () => ({
  consents: consentStore(),
  policies: policyCatalogue(),
  clock: systemClock,
});

export const consentDeps = () => ({
  ...consentReadDeps(),
  signingKey: secretKey('tokenKey'),
  tokenLifetimeDays: runtimeConfig().CONSENT_TOKEN_DAYS,
});
