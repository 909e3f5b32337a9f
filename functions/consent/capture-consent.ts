/** POST /v1/consents: record a visitor's cookie choices and hand back a receipt and a consent token. */
import { consentDeps } from '../../shared/adapters/wiring/consent';
import { captureConsent, type ConsentDeps } from '../../shared/domain/consent-service';
import { HttpError } from '../../shared/http/errors';
import { created, ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { captureConsentRoute } from '../../shared/routes';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export const makeHandler = (deps: ConsentDeps) =>
  route(captureConsentRoute.request).handler(async (event) => {
    const idempotencyKey = event.headers['idempotency-key'];
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1-128 visible ASCII characters');
    }
    const { replayed, ...answer } = await captureConsent(deps, event.input.body, {
      gpc: event.headers['sec-gpc']?.trim() === '1',
      idempotencyKey,
    });
    return replayed ? ok(answer, { 'idempotent-replayed': 'true' }) : created(answer);
  });

export const handler = makeHandler(consentDeps());
