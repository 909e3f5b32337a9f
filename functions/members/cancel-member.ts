/** POST /v1/members/{memberId}/cancel (IAM): account cancelled in the shop: deactivate, keep for disputes (policy 2.2). */
import { memberDataWithoutOrders, memberDeps, suppressor } from '../../shared/adapters/wiring';
import { cancelMember } from '../../shared/domain/member-service';
import { ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { CancelMemberInput, MemberPath } from '../../shared/schemas/requests';

export const makeHandler = (deps: Parameters<typeof cancelMember>[0]) =>
  route({ path: MemberPath, body: CancelMemberInput }).handler(async (event) =>
    ok(await cancelMember(deps, event.input.path.memberId, event.input.body.reason ?? 'account cancelled by the member', callerOf(event))),
  );

// Only cancelling suppresses marketing mail, so only this function carries the mailer.
export const handler = makeHandler({ ...memberDeps(), data: memberDataWithoutOrders(), suppress: suppressor() });
