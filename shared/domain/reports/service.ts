/**
 * The report use cases behind the stream worker, the daily close and the report routes, over a small
 * store port (shared/adapters/report-store.ts in AWS, memory in tests).
 */
import { DAY_MS } from '../deadlines';
import type { Clock, RequestStore } from '../ports';
import { REPORT_THRESHOLD, type Report, type ReportName } from '../../schemas/reports';
import {
  addCounts,
  type AggregationSettings,
  bangkokDay,
  closeDay,
  countsOfPartials,
  type DayCounts,
  type DayPartial,
  daysBetween,
  type NewItem,
  partialsOfBatch,
} from './aggregate';
import { buildReport } from './build';

/** What the reports table holds for one day. */
export interface StoredDay {
  closed?: DayCounts;
  partials: DayPartial[];
  /** Sort keys of the partials, for the close to delete. */
  partialKeys: string[];
  /** Partials already in the closed counts and not deleted yet: never read, deleted by the next close. */
  mergedKeys: string[];
}

export interface ReportStore {
  /** Writes the batch's partials once: `duplicate` when this batch was written before (a redelivery). */
  writePartials(batchKey: string, partials: readonly DayPartial[]): Promise<'written' | 'duplicate'>;
  day(day: string): Promise<StoredDay>;
  /** Saves the day's closed counts naming the partials they include, then deletes those partials. */
  saveClosed(day: string, counts: DayCounts, partialKeys: readonly string[]): Promise<void>;
}

/** One stream batch: its partials written under the batch's key, so a redelivered batch counts once. */
export async function aggregateBatch(
  deps: { store: Pick<ReportStore, 'writePartials'>; settings: AggregationSettings },
  batchKey: string,
  changes: readonly NewItem[],
) {
  const partials = partialsOfBatch(changes, deps.settings);
  if (!partials.length) return { days: 0, outcome: 'empty' as const };
  return { days: partials.length, outcome: await deps.store.writePartials(batchKey, partials) };
}

/** How far back the close looks for days left open (a missed run, a batch retried for hours). */
export const CLOSE_LOOKBACK_DAYS = 7;

/**
 * Closes every finished Bangkok day of the last week that still has partials: counts only, hashes
 * gone. A day already closed that received a late partial gets the partial's counts added (its
 * visitors then count as new ones that day: the hashes to tell them apart are gone).
 */
export async function closeFinishedDays(deps: { store: ReportStore; clock: Clock }) {
  const today = bangkokDay(deps.clock.now());
  const closed: string[] = [];
  for (let back = CLOSE_LOOKBACK_DAYS; back >= 1; back--) {
    const day = new Date(Date.parse(`${today}T00:00:00Z`) - back * DAY_MS).toISOString().slice(0, 10);
    const stored = await deps.store.day(day);
    if (!stored.partials.length && !stored.mergedKeys.length) continue;
    const counts = stored.partials.length ? closeDay(day, stored.partials, { threshold: REPORT_THRESHOLD }) : {};
    await deps.store.saveClosed(day, stored.closed ? addCounts(stored.closed, counts) : counts, [...stored.mergedKeys, ...stored.partialKeys]);
    closed.push(day);
  }
  return { closed };
}

/** A day as a report reads it: closed counts, plus partials not closed yet merged on the fly. */
export const countsOfDay = (day: string, stored: StoredDay): DayCounts => {
  const open = stored.partials.length ? countsOfPartials(day, stored.partials) : {};
  return stored.closed ? addCounts(stored.closed, open) : open;
};

/** Open requests past their due date now, per type: the staff queue's index (Query), never a scan. */
export async function overdueNow(requests: Pick<RequestStore, 'byStatus'>, now: Date): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let cursor: string | undefined;
  do {
    const page = await requests.byStatus('open', 100, cursor, now);
    for (const r of page.items) counts[r.type] = (counts[r.type] ?? 0) + 1;
    cursor = page.next;
  } while (cursor);
  return counts;
}

/** Days read at once: a year's range is a few hundred small Queries. */
const READ_CONCURRENCY = 8;

export async function readReport(
  deps: { store: Pick<ReportStore, 'day'>; clock: Clock; requests?: Pick<RequestStore, 'byStatus'>; topSearchQueries: boolean },
  report: ReportName,
  range: { from: string; to: string },
): Promise<Report> {
  const days = daysBetween(range.from, range.to);
  const counts: { day: string; counts: DayCounts }[] = new Array(days.length);
  for (let i = 0; i < days.length; i += READ_CONCURRENCY) {
    await Promise.all(
      days.slice(i, i + READ_CONCURRENCY).map(async (day, j) => {
        counts[i + j] = { day, counts: countsOfDay(day, await deps.store.day(day)) };
      }),
    );
  }
  const now = deps.clock.now();
  return buildReport(report, range, counts, {
    topSearchQueries: deps.topSearchQueries,
    generatedAt: now,
    ...(report === 'requests' && deps.requests ? { overdueNow: await overdueNow(deps.requests, now) } : {}),
  });
}
