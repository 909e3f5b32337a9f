/** GET /v1/consents/{visitorId}: the visitor's current choices and whether to ask again. */
import { consentReadDeps } from '../../shared/adapters/wiring/consent';
import { consentStatus, type ConsentDeps } from '../../shared/domain/consent-service';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { getConsentRoute } from '../../shared/routes';

export const makeHandler = (deps: Pick<ConsentDeps, 'consents' | 'policies' | 'clock'>) =>
  route(getConsentRoute.request).handler(async (event) => ok(await consentStatus(deps, event.input.path.visitorId)));

export const handler = makeHandler(consentReadDeps());
