/** POST /v1/admin/unsubscribe-links (IAM): the link and headers the newsletter sender puts in each mail. */
import { linkDeps } from '../../shared/adapters/wiring/subscriptions';
import { unsubscribeLink, type SubscriptionDeps } from '../../shared/domain/subscriptions';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { createUnsubscribeLinkRoute } from '../../shared/routes';

export const makeHandler = (deps: Pick<SubscriptionDeps, 'subscriptions' | 'signingKey' | 'clock' | 'settings'>) =>
  route(createUnsubscribeLinkRoute.request).handler(async (event) => ok(await unsubscribeLink(deps, event.input.body.email)));

export const handler = makeHandler(linkDeps());
