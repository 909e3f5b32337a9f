/**
 * POST /v1/visits: storefront beacons (often navigator.sendBeacon, so text/plain bodies too). Always
 * 202: the answer says how many events were stored and, when none, why.
 */
import type { IspLookup } from '../../shared/adapters/isp';
import { browserFacts } from '../../shared/adapters/user-agent';
import { visitDeps } from '../../shared/adapters/wiring/visits';
import { recordVisits, type VisitDeps } from '../../shared/domain/visit-service';
import { json } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { acceptedBeacon } from '../../shared/schemas/beacon-fast-path';
import { recordVisitsRoute } from '../../shared/routes';

/** 50 events with long URLs stay far below this; anything bigger is not a beacon. */
export const MAX_BEACON_BYTES = 64 * 1024;

export const makeHandler = (deps: VisitDeps & { isp: IspLookup }) =>
  route({
    ...recordVisitsRoute.request,
    fastBody: acceptedBeacon,
    maxBodyBytes: MAX_BEACON_BYTES,
    acceptTextPlain: true,
    answerBeforeTimeout: false,
  }).handler(async (event) => {
    const ip = event.requestContext.http.sourceIp;
    // Behind CloudFront the provider's facts carry the viewer's own address, which replaces the edge's.
    const facts = { ip, ...browserFacts(event.headers['user-agent']), ...(await deps.isp(ip, event.headers)) };
    const { stored, reason } = await recordVisits(deps, event.input.body, facts);
    return json(202, reason ? { stored, reason } : { stored });
  });

export const handler = makeHandler(visitDeps());
