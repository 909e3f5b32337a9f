/** POST /v1/subscriptions/check (IAM): `{ emails }` -> `{ subscribed, suppressed }`, for a mailing run. */
import { subscriptionReadDeps } from '../../shared/adapters/wiring/subscriptions';
import { checkSubscriptions, type SubscriptionDeps } from '../../shared/domain/subscriptions';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { checkSubscriptionsRoute } from '../../shared/routes';

export const makeHandler = (deps: Pick<SubscriptionDeps, 'subscriptions'>) =>
  route(checkSubscriptionsRoute.request).handler(async (event) => ok(await checkSubscriptions(deps, event.input.body.emails)));

export const handler = makeHandler(subscriptionReadDeps());
