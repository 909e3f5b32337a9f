/**
 * Daily after the Bangkok day ends: each finished day's report partials become counts only (the
 * visitor and session hashes they kept are gone), lists capped, and the partials deleted.
 */
import { systemClock } from '../../shared/adapters/clock';
import { reportStore } from '../../shared/adapters/wiring/reports';
import type { Clock } from '../../shared/domain/ports';
import { closeFinishedDays, type ReportStore } from '../../shared/domain/reports/service';
import { log } from '../../shared/log';

export const makeHandler = (deps: { store: ReportStore; clock: Clock }) => async () => {
  const { closed } = await closeFinishedDays(deps);
  log.info('report days closed', { days: closed });
  return { closed };
};

export const handler = makeHandler({ store: reportStore(), clock: systemClock });
