/** GET /v1/policy/versions: the public page of every policy version (HTML; JSON for `Accept: application/json`). */
import { systemClock } from '../../shared/adapters/clock';
import type { PolicyCatalogue } from '../../shared/adapters/policy-store';
import { policyCatalogue } from '../../shared/adapters/wiring/policies';
import { currentPolicy, sortVersions, summaryOf } from '../../shared/domain/policy';
import type { Clock } from '../../shared/domain/ports';
import { policyVersionsPage } from '../../shared/http/policy-page';
import { html, ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';

export const makeHandler = (deps: { policies: Pick<PolicyCatalogue, 'all'>; clock: Clock }) =>
  route().handler(async (event) => {
    const now = deps.clock.now();
    const versions = await deps.policies.all();
    const current = currentPolicy(versions, now);
    const cache = { 'cache-control': 'public, max-age=300' };
    if ((event.headers.accept ?? '').includes('application/json')) {
      const items = sortVersions(versions).map(({ version, effectiveAt, url, sha256, changes, ...v }) => {
        const summary = summaryOf(v);
        return { version, effectiveAt, url, sha256, changes, ...(summary ? { summary } : {}) };
      });
      return ok({ current: current.version, items }, cache);
    }
    return html(200, policyVersionsPage(versions, current, now), cache);
  });

export const handler = makeHandler({ policies: policyCatalogue(), clock: systemClock });
