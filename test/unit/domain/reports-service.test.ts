/**
 * The report use cases over a memory store with the reports table's rules (a batch's partials are
 * written once, under its key): a redelivered batch counts once, the close picks the finished Bangkok
 * days only, and a report reads closed days and open partials alike.
 */
import { describe, expect, it } from 'vitest';
import type { DayCounts, DayPartial, NewItem } from '../../../shared/domain/reports/aggregate';
import { aggregateBatch, closeFinishedDays, readReport, type ReportStore, type StoredDay } from '../../../shared/domain/reports/service';

/** Days -> partials by key and closed counts; a batch key already written is a duplicate, as the conditional put makes it. */
function memoryStore() {
  const days = new Map<string, { partials: Map<string, DayPartial>; closed?: DayCounts }>();
  const dayOf = (day: string) => {
    if (!days.has(day)) days.set(day, { partials: new Map() });
    return days.get(day)!;
  };
  const store: ReportStore = {
    async writePartials(batchKey, partials) {
      if (partials.some((p) => dayOf(p.day).partials.has(batchKey))) return 'duplicate';
      for (const p of partials) dayOf(p.day).partials.set(batchKey, p);
      return 'written';
    },
    async day(day): Promise<StoredDay> {
      const d = dayOf(day);
      return { partials: [...d.partials.values()], partialKeys: [...d.partials.keys()], mergedKeys: [], ...(d.closed ? { closed: d.closed } : {}) };
    },
    async saveClosed(day, counts, keys) {
      const d = dayOf(day);
      d.closed = counts;
      for (const k of keys) d.partials.delete(k);
    },
  };
  return { store, days };
}

const settings = { topSearchQueries: false, hash: (id: string) => `h:${id}` };
const visits = (at: string, ...visitors: string[]): NewItem[] =>
  visitors.map((v) => ({ table: 'visits', kind: 'INSERT', newItem: { pk: `V#${v}`, at, sid: 's', ev: [{ t: 'pageview', p: '/' }] } }));
const five = ['a', 'b', 'c', 'd', 'e'];

describe('report service', () => {
  it('counts a redelivered batch once', async () => {
    const { store } = memoryStore();
    const batch = visits('2026-11-25T03:00:00.000Z', ...five);
    expect((await aggregateBatch({ store, settings }, 'visits#1#5', batch)).outcome).toBe('written');
    expect((await aggregateBatch({ store, settings }, 'visits#1#5', batch)).outcome).toBe('duplicate');
    const report = await readReport({ store, clock: { now: () => new Date('2026-11-25T05:00:00.000Z') }, topSearchQueries: false }, 'traffic', {
      from: '2026-11-25',
      to: '2026-11-25',
    });
    expect(report.sections[0]!.rows).toEqual([{ day: '2026-11-25', pageViews: 5, visitors: 5, sessions: 5 }]);
  });

  it('closes a Bangkok day only once it has ended there (17:00 UTC), and leaves today open', async () => {
    const { store, days } = memoryStore();
    await aggregateBatch({ store, settings }, 'visits#1#5', visits('2026-11-25T16:00:00.000Z', ...five));
    await aggregateBatch({ store, settings }, 'visits#6#6', visits('2026-11-25T17:00:00.000Z', 'f'));
    expect(await closeFinishedDays({ store, clock: { now: () => new Date('2026-11-25T16:59:59.000Z') } })).toEqual({ closed: [] });
    expect(await closeFinishedDays({ store, clock: { now: () => new Date('2026-11-25T18:00:00.000Z') } })).toEqual({ closed: ['2026-11-25'] });
    expect(days.get('2026-11-25')!.partials.size).toBe(0);
    expect(days.get('2026-11-25')!.closed!.traffic!.c).toEqual({ pageViews: 5, visitors: 5, sessions: 5 });
    expect(days.get('2026-11-26')!.partials.size).toBe(1);
  });

  it('reads a range of closed and open days alike, and a day with nothing as zeros', async () => {
    const { store } = memoryStore();
    await aggregateBatch({ store, settings }, 'visits#1#5', visits('2026-11-24T03:00:00.000Z', ...five));
    await closeFinishedDays({ store, clock: { now: () => new Date('2026-11-25T03:00:00.000Z') } });
    await aggregateBatch({ store, settings }, 'visits#6#10', visits('2026-11-25T03:00:00.000Z', ...five));
    const report = await readReport({ store, clock: { now: () => new Date('2026-11-25T05:00:00.000Z') }, topSearchQueries: false }, 'traffic', {
      from: '2026-11-23',
      to: '2026-11-25',
    });
    expect(report.sections[0]!.rows.map((r) => [r.day, r.pageViews])).toEqual([
      ['2026-11-23', 0],
      ['2026-11-24', 5],
      ['2026-11-25', 5],
    ]);
    // Each day saw the same 5 visitors: the range's row sums the days' distinct visitors.
    expect(report.sections[1]!.rows).toEqual([{ path: '/', pageViews: 10, visitors: 10, medianMs: null, p75Ms: null }]);
  });
});
