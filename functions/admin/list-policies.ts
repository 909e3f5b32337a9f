/** GET /v1/admin/policies (staff): every version, oldest first, and which one is in force. */
import { policyCatalogue } from '../../shared/adapters/wiring/policies';
import type { PolicyCatalogue } from '../../shared/adapters/policy-store';
import { currentPolicy, sortVersions } from '../../shared/domain/policy';
import { systemClock } from '../../shared/adapters/clock';
import type { Clock } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { listPoliciesRoute } from '../../shared/routes';

export const makeHandler = (deps: { policies: Pick<PolicyCatalogue, 'all'>; clock: Clock }) =>
  route({ auth: listPoliciesRoute.auth }).handler(async () => {
    const versions = await deps.policies.all();
    return ok({ current: currentPolicy(versions, deps.clock.now()).version, items: sortVersions(versions) });
  });

export const handler = makeHandler({ policies: policyCatalogue(0), clock: systemClock });
