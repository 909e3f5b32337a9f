/** POST /v1/members/{memberId}/cancel (IAM): account cancelled in the shop: deactivate, keep for disputes (policy 2.2). */
import { memberDataWithoutOrders, memberDeps } from '../../shared/adapters/wiring/members';
import { suppressor } from '../../shared/adapters/wiring/subscriptions';
import { eventPublisher } from '../../shared/adapters/wiring/common';
import { cancelMember } from '../../shared/domain/member-service';
import { ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { cancelMemberRoute } from '../../shared/routes';

export const makeHandler = (deps: Parameters<typeof cancelMember>[0]) =>
  route(cancelMemberRoute.request).handler(async (event) =>
    ok(await cancelMember(deps, event.input.path.memberId, event.input.body.reason ?? 'account cancelled by the member', callerOf(event))),
  );

// Only cancelling suppresses marketing mail, so only this function carries the mailer.
export const handler = makeHandler({ ...memberDeps(), data: memberDataWithoutOrders(), suppress: suppressor(), events: eventPublisher() });
