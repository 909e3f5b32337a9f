/** PUT /v1/members/{memberId} (IAM): the storefront backend registers or updates a member. */
import { memberDeps } from '../../shared/adapters/wiring/members';
import { putMember, type MemberDeps } from '../../shared/domain/member-service';
import { created, ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { MemberPath, PutMemberInput } from '../../shared/schemas/requests';

export const makeHandler = (deps: MemberDeps) =>
  route({ path: MemberPath, body: PutMemberInput }).handler(async (event) => {
    const { member, created: isNew } = await putMember(deps, event.input.path.memberId, event.input.body, callerOf(event));
    return isNew ? created(member) : ok(member);
  });

export const handler = makeHandler(memberDeps());
