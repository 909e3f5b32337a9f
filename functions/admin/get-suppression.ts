/** GET /v1/admin/suppressions/{email} (staff): is this address suppressed, since when, through which channel. */
import { subscriptionReadDeps } from '../../shared/adapters/wiring/subscriptions';
import { subscriptionStatus, type SubscriptionDeps } from '../../shared/domain/subscriptions';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { getSuppressionRoute } from '../../shared/routes';

export const makeHandler = (deps: Pick<SubscriptionDeps, 'subscriptions'>) =>
  route({ ...getSuppressionRoute.request, auth: getSuppressionRoute.auth }).handler(async (event) =>
    ok(await subscriptionStatus(deps, event.input.path.email)),
  );

export const handler = makeHandler(subscriptionReadDeps());
