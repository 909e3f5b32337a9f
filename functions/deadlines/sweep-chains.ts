/** Scheduled hourly: restart the deadline chain of any open request whose chain went quiet. */
import { chainDeps } from '../../shared/adapters/wiring/deadlines';
import { sweepChains } from '../../shared/domain/deadline-service';
import { log } from '../../shared/log';

const deps = chainDeps();

export const handler = async () => {
  const result = await sweepChains(deps);
  log.info('deadline sweep', result);
  return result;
};
