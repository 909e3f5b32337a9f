/** POST /v1/privacy-center/sessions `{ token }`: uses a sign-in link once; 201 with the session token. */
import { centerDeps } from '../../shared/adapters/wiring/privacy-center';
import { startSession, type CenterDeps } from '../../shared/domain/privacy-center';
import { created } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { startCenterSessionRoute } from '../../shared/routes';

export const makeHandler = (deps: CenterDeps) =>
  route(startCenterSessionRoute.request).handler(async (event) => created(await startSession(deps, event.input.body.token)));

export const handler = makeHandler(centerDeps());
