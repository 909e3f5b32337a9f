/** GET /v1/policy: the policy version in force. Public and cacheable: every storefront page asks. */
import { policyCatalogue } from '../../shared/adapters/wiring/policies';
import { currentPolicy, summaryOf } from '../../shared/domain/policy';
import { systemClock } from '../../shared/adapters/clock';
import type { Clock } from '../../shared/domain/ports';
import type { PolicyCatalogue } from '../../shared/adapters/policy-store';
import { ok } from '../../shared/http/responses';
import { SHORT_PUBLIC_CACHE } from '../../shared/http/cache-control';
import { route } from '../../shared/http/route';

export const makeHandler = (deps: { policies: Pick<PolicyCatalogue, 'all'>; clock: Clock }) =>
  route().handler(async () => {
    const current = currentPolicy(await deps.policies.all(), deps.clock.now());
    const { version, effectiveAt, url, sha256, changes } = current;
    // The change summary in both languages, so the storefront announces the change in the visitor's (policy 7).
    const summary = summaryOf(current);
    return ok({ version, effectiveAt, url, sha256, changes, ...(summary ? { summary } : {}) }, { 'cache-control': SHORT_PUBLIC_CACHE });
  });

export const handler = makeHandler({ policies: policyCatalogue(), clock: systemClock });
