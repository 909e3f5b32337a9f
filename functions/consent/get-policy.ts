/**
 * GET /v1/policy: the policy version in force. Public and cacheable. Pages that embed the kit's
 * unversioned URL get the same facts inside the kit's answer and do not ask; the kit asks here when
 * it was loaded as `?v=<KIT_VERSION>` (an answer kept a year cannot carry a policy).
 */
import { policyCatalogue } from '../../shared/adapters/wiring/policies';
import { policyInForce } from '../../shared/domain/policy';
import { systemClock } from '../../shared/adapters/clock';
import type { Clock } from '../../shared/domain/ports';
import type { PolicyCatalogue } from '../../shared/adapters/policy-store';
import { ok } from '../../shared/http/responses';
import { SHORT_PUBLIC_CACHE } from '../../shared/http/cache-control';
import { route } from '../../shared/http/route';

export const makeHandler = (deps: { policies: Pick<PolicyCatalogue, 'all'>; clock: Clock }) =>
  route().handler(async () => ok(policyInForce(await deps.policies.all(), deps.clock.now()), { 'cache-control': SHORT_PUBLIC_CACHE }));

export const handler = makeHandler({ policies: policyCatalogue(), clock: systemClock });
