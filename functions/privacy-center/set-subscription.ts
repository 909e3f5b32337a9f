/** PUT /v1/privacy-center/subscription `{ subscribed }`: the newsletter switch, in force at once. */
import { marketingDeps } from '../../shared/adapters/wiring/privacy-center';
import { setMarketing } from '../../shared/domain/privacy-center';
import { centerOwner } from '../../shared/http/center-session';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { setCenterSubscriptionRoute } from '../../shared/routes';

export const makeHandler = (deps: ReturnType<typeof marketingDeps>) =>
  route(setCenterSubscriptionRoute.request).handler(async (event) => {
    const owner = await centerOwner(deps, event);
    return ok(await setMarketing(deps, owner, event.input.body.subscribed));
  });

export const handler = makeHandler(marketingDeps());
