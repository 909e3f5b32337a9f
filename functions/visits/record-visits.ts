/**
 * POST /v1/visits: storefront beacons (often navigator.sendBeacon, so text/plain bodies too). Always
 * 202 for a beacon: the answer says how many events were stored and, when none, why. In AWS the
 * function is reached at its function URL through CloudFront (the route's edgeOrigin); a request
 * that did not come through the distribution (no edge key) gets 403 before its body is read.
 */
import type { IspLookup } from '../../shared/adapters/isp';
import { browserFacts } from '../../shared/adapters/user-agent';
import { visitDeps } from '../../shared/adapters/wiring/visits';
import { recordVisits, type VisitDeps } from '../../shared/domain/visit-service';
import { HttpError } from '../../shared/http/errors';
import { json } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { acceptedBeacon } from '../../shared/schemas/beacon-fast-path';
import { recordVisitsRoute } from '../../shared/routes';

/** 50 events with long URLs stay far below this; anything bigger is not a beacon. */
export const MAX_BEACON_BYTES = 64 * 1024;

export interface BeaconDeps extends VisitDeps {
  isp: IspLookup;
  /** Set where the function is deployed behind CloudFront at its public URL: requests without the edge key are refused. */
  cameThroughEdge?: (headers: Record<string, string | undefined>) => Promise<boolean>;
}

export const makeHandler = ({ cameThroughEdge, ...deps }: BeaconDeps) =>
  route({
    ...recordVisitsRoute.request,
    fastBody: acceptedBeacon,
    maxBodyBytes: MAX_BEACON_BYTES,
    acceptTextPlain: true,
    answerBeforeTimeout: false,
    ...(cameThroughEdge
      ? {
          guard: async (event) => {
            if (!(await cameThroughEdge(event.headers))) throw new HttpError(403, 'forbidden', 'Beacons are accepted through the storefront\u2019s edge only');
          },
        }
      : {}),
  }).handler(async (event) => {
    const ip = event.requestContext.http.sourceIp;
    // Behind CloudFront the provider's facts carry the viewer's own address, which replaces the edge's.
    const facts = { ip, ...browserFacts(event.headers['user-agent']), ...(await deps.isp(ip, event.headers)) };
    const { stored, reason } = await recordVisits(deps, event.input.body, facts);
    return json(202, reason ? { stored, reason } : { stored });
  });

export const handler = makeHandler(visitDeps());
