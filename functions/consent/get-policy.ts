/** GET /v1/policy: the policy version in force. Public and cacheable: every storefront page asks. */
import { policyCatalogue } from '../../shared/adapters/wiring/policies';
import { currentPolicy } from '../../shared/domain/policy';
import { systemClock } from '../../shared/adapters/clock';
import type { Clock } from '../../shared/domain/ports';
import type { PolicyCatalogue } from '../../shared/adapters/policy-store';
import { ok } from '../../shared/http/responses';
import { SHORT_PUBLIC_CACHE } from '../../shared/http/cache-control';
import { route } from '../../shared/http/route';

export const makeHandler = (deps: { policies: Pick<PolicyCatalogue, 'all'>; clock: Clock }) =>
  route().handler(async () => {
    const { version, effectiveAt, url, sha256, changes } = currentPolicy(await deps.policies.all(), deps.clock.now());
    return ok({ version, effectiveAt, url, sha256, changes }, { 'cache-control': SHORT_PUBLIC_CACHE });
  });

export const handler = makeHandler({ policies: policyCatalogue(), clock: systemClock });
