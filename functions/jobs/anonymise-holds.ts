/** Scheduled daily: anonymise members whose dispute hold ended (policy 2.2), in bounded batches. */
import { memberDataWithoutOrders, memberDeps } from '../../shared/adapters/wiring/members';
import { requestStore } from '../../shared/adapters/wiring/request-store';
import { eventPublisher } from '../../shared/adapters/wiring/common';
import { anonymiseEndedHolds } from '../../shared/domain/member-service';
import { log } from '../../shared/log';

const deps = { ...memberDeps(), data: memberDataWithoutOrders(), requests: requestStore(), events: eventPublisher() };
const MAX_BATCHES_PER_RUN = 20;

export const handler = async () => {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
    const { anonymised, more } = await anonymiseEndedHolds(deps);
    total += anonymised;
    if (!more) break;
  }
  log.info('hold sweep', { anonymised: total });
  return { anonymised: total };
};
