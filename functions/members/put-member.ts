/** PUT /v1/members/{memberId} (IAM): the storefront backend registers or updates a member. */
import { memberWriteDeps } from '../../shared/adapters/wiring/members';
import { putMember } from '../../shared/domain/member-service';
import { created, ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { putMemberRoute } from '../../shared/routes';

export const makeHandler = (deps: Parameters<typeof putMember>[0]) =>
  route(putMemberRoute.request).handler(async (event) => {
    const { member, created: isNew } = await putMember(deps, event.input.path.memberId, event.input.body, callerOf(event));
    return isNew ? created(member) : ok(member);
  });

export const handler = makeHandler(memberWriteDeps());
