/** POST /v1/admin/policies (DPO): publish a new policy version with its effective date and hash. */
import { policyCatalogue, policyStore } from '../../shared/adapters/wiring/policies';
import { publishPolicy } from '../../shared/domain/consent-service';
import type { PolicyStore } from '../../shared/domain/ports';
import { systemClock } from '../../shared/adapters/clock';
import type { Clock } from '../../shared/domain/ports';
import type { PolicyCatalogue } from '../../shared/adapters/policy-store';
import { created, ok } from '../../shared/http/responses';
import { route, staffOf } from '../../shared/http/route';
import { publishPolicyRoute } from '../../shared/routes';
import { log } from '../../shared/log';

export const makeHandler = (deps: { store: PolicyStore; policies: Pick<PolicyCatalogue, 'all'>; clock: Clock }) =>
  route({ ...publishPolicyRoute.request, auth: publishPolicyRoute.auth }).handler(async (event) => {
    const { outcome, version } = await publishPolicy(deps, { ...event.input.body });
    log.info('policy published', { version: version.version, by: staffOf(event).username, outcome });
    return outcome === 'created' ? created(version) : ok(version, { 'idempotent-replayed': 'true' });
  });

// Staff must see their own writes at once: no cache.
export const handler = makeHandler({ store: policyStore(), policies: policyCatalogue(0), clock: systemClock });
