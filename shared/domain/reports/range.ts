/** The checks of a report's range that a schema cannot say: real days, in order, and not too many. */
import { InvalidInputError } from '../errors';
import { MAX_REPORT_DAYS } from '../../schemas/reports';
import { DAY_MS } from '../deadlines';

const isRealDay = (day: string) => {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === day;
};

export function checkReportRange(range: { from: string; to: string }): void {
  for (const key of ['from', 'to'] as const)
    if (!isRealDay(range[key]))
      throw new InvalidInputError('invalid_day', `${key} is not a calendar day`, [{ path: key, message: 'must be a real day as YYYY-MM-DD' }]);
  if (range.from > range.to) throw new InvalidInputError('invalid_range', 'from must not be after to', [{ path: 'from', message: 'must not be after to' }]);
  const days = (Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_REPORT_DAYS)
    throw new InvalidInputError('range_too_long', `a report covers at most ${MAX_REPORT_DAYS} days`, [
      { path: 'to', message: `at most ${MAX_REPORT_DAYS} days after from` },
    ]);
}
