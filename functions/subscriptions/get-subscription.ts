/** GET /v1/subscriptions/{email} (IAM): may the shop's mail sender send marketing to this address? */
import { subscriptionReadDeps } from '../../shared/adapters/wiring/subscriptions';
import { subscriptionStatus, type SubscriptionDeps } from '../../shared/domain/subscriptions';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { getSubscriptionRoute } from '../../shared/routes';

export const makeHandler = (deps: Pick<SubscriptionDeps, 'subscriptions'>) =>
  route(getSubscriptionRoute.request).handler(async (event) => ok(await subscriptionStatus(deps, event.input.path.email)));

export const handler = makeHandler(subscriptionReadDeps());
