/** GET /v1/exports/download?token=...: the time-limited link in an access-request mail; redirects to the file. */
import type { S3Exports } from '../../shared/adapters/export-store';
import { secretKey } from '../../shared/adapters/secrets';
import { auditLog } from '../../shared/adapters/wiring/common';
import { exportStore, requestStore } from '../../shared/adapters/wiring/requests';
import { InvalidInputError } from '../../shared/domain/errors';
import { systemClock } from '../../shared/adapters/clock';
import type { AuditLog, Clock, RequestStore, SigningKey } from '../../shared/domain/ports';
import { recordExportOpened } from '../../shared/domain/request-completion';
import { verifyLink } from '../../shared/domain/signed-link';
import { redirect } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { downloadExportRoute } from '../../shared/routes';

export const makeHandler = (deps: {
  exports: Pick<S3Exports, 'downloadUrl'>;
  signingKey: SigningKey;
  clock: Clock;
  requests: Pick<RequestStore, 'get'>;
  audit: Pick<AuditLog, 'append'>;
}) =>
  route(downloadExportRoute.request).handler(async (event) => {
    const check = verifyLink<{ key: string }>('export', event.input.query.token, await deps.signingKey(), deps.clock.now());
    if (!check.ok)
      throw new InvalidInputError(
        check.reason === 'expired' ? 'link_expired' : 'invalid_link',
        check.reason === 'expired' ? 'This download link has expired; ask us again for a copy' : 'This link is not valid',
      );
    // Opening the export is a look at the member's data: recorded before the file is handed out.
    await recordExportOpened(deps, check.payload.key);
    return redirect(await deps.exports.downloadUrl(check.payload.key));
  });

export const handler = makeHandler({
  exports: exportStore(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  requests: requestStore(),
  audit: auditLog(),
});
