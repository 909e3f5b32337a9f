/** GET /v1/privacy-center/overview: the signed-in customer's requests and newsletter subscription. */
import { overviewDeps } from '../../shared/adapters/wiring/privacy-center';
import { centerOverview } from '../../shared/domain/privacy-center';
import { centerOwner } from '../../shared/http/center-session';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';

export const makeHandler = (deps: ReturnType<typeof overviewDeps>) =>
  route().handler(async (event) => ok(await centerOverview(deps, await centerOwner(deps, event))));

export const handler = makeHandler(overviewDeps());
