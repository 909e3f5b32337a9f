/** POST /v1/orders (IAM): the storefront backend reports a purchase (policy 1.1(3)). */
import { orderDeps } from '../../shared/adapters/wiring/orders';
import { reportOrder } from '../../shared/domain/visit-service';
import { created, ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { recordOrderRoute } from '../../shared/routes';

export const makeHandler = (deps: Parameters<typeof reportOrder>[0]) =>
  route(recordOrderRoute.request).handler(async (event) => {
    const { outcome, order } = await reportOrder(deps, event.input.body);
    return outcome === 'created' ? created(order) : ok(order, { 'idempotent-replayed': 'true' });
  });

export const handler = makeHandler(orderDeps());
