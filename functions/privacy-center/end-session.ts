/** DELETE /v1/privacy-center/session: signs out; the session token stops working at once. */
import { centerDeps } from '../../shared/adapters/wiring/privacy-center';
import type { CenterDeps } from '../../shared/domain/privacy-center';
import { centerOwner } from '../../shared/http/center-session';
import type { HttpResult } from '../../shared/http/responses';
import { route } from '../../shared/http/route';

export const makeHandler = (deps: CenterDeps) =>
  route().handler(async (event): Promise<HttpResult> => {
    const owner = await centerOwner(deps, event);
    await deps.signIns.signOut(owner.sessionId, deps.clock.now());
    return { statusCode: 204, headers: {}, body: '' };
  });

export const handler = makeHandler(centerDeps());
