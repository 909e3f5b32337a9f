/** GET /v1/privacy-center/export: the access export of the signed-in customer, as a JSON download. */
import { centerExportDeps } from '../../shared/adapters/wiring/privacy-center';
import { centerExport } from '../../shared/domain/privacy-center';
import { centerOwner } from '../../shared/http/center-session';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';

export const makeHandler = (deps: ReturnType<typeof centerExportDeps>) =>
  route().handler(async (event) => {
    const owner = await centerOwner(deps, event);
    return ok(await centerExport(deps, owner), { 'content-disposition': 'attachment; filename="my-data.json"' });
  });

export const handler = makeHandler(centerExportDeps());
