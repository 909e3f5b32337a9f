/** POST /v1/admin/disclosures (DPO): record a disclosure with its legal basis (policy 5). */
import { disclosureDeps } from '../../shared/adapters/wiring/members';
import { recordDisclosure, type DisclosureDeps } from '../../shared/domain/disclosure-service';
import { created } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { recordDisclosureRoute } from '../../shared/routes';

export const makeHandler = (deps: DisclosureDeps) =>
  route({ ...recordDisclosureRoute.request, auth: recordDisclosureRoute.auth }).handler(async (event) =>
    created(await recordDisclosure(deps, event.input.body, staffActor(event))),
  );

export const handler = makeHandler(disclosureDeps());
