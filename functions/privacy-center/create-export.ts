/**
 * POST /v1/privacy-center/exports: the access export of the signed-in customer, written to the exports
 * bucket like a completed access request's (expired by its lifecycle) and answered as a 5-minute link
 * to it, so no export is too large for a Lambda response.
 */
import { centerExportDeps } from '../../shared/adapters/wiring/privacy-center';
import { centerExport } from '../../shared/domain/privacy-center';
import { DOWNLOAD_URL_SECONDS } from '../../shared/adapters/export-store';
import { centerOwner } from '../../shared/http/center-session';
import { created } from '../../shared/http/responses';
import { route } from '../../shared/http/route';

export const makeHandler = (deps: ReturnType<typeof centerExportDeps>) =>
  route().handler(async (event) => {
    const owner = await centerOwner(deps, event);
    const key = await deps.exports.put(`center-${owner.sessionId}-${deps.clock.now().getTime()}`, await centerExport(deps, owner));
    return created({ url: await deps.exports.downloadUrl(key), expiresInSeconds: DOWNLOAD_URL_SECONDS });
  });

export const handler = makeHandler(centerExportDeps());
