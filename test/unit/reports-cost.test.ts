/**
 * The reports' cost model: priced from the partial sizes measured on a synthetic day run through the
 * real aggregation, within the $0.10 budget per million page views at a million page views a month,
 * and dominated by the per-window writes at low traffic (each window costs a write, whatever fills it).
 */
import { describe, expect, it } from 'vitest';
import { REPORTS_BUDGET_USD_PER_MILLION_PAGE_VIEWS, reportsCostPerMillionPageViews, total } from '../../scripts/lib/cost-model';
import { reportsFigures } from '../../scripts/lib/reports-bench';

describe('reports cost model', () => {
  it('stays within the budget per million page views at a million page views a month', () => {
    const { profile, lines } = reportsFigures(33_000);
    expect(profile.batchingWindowSeconds).toBe(300);
    expect(profile.partialBytesPerRecord).toBeGreaterThan(0);
    expect(total(lines)).toBeLessThanOrEqual(REPORTS_BUDGET_USD_PER_MILLION_PAGE_VIEWS);
  });

  it('costs less per page view as traffic grows: a window writes one partial however many records it holds', () => {
    const base = {
      visitRecordsPerPageView: 0.4,
      otherRecordsPerPageView: 0.04,
      batchingWindowSeconds: 300,
      maxBatchSize: 1000,
      streams: 3,
      partialBytesPerRecord: 60,
      memoryMb: 256,
      billedMsPerBatch: 15,
      closesPerDay: 1,
      closedDayBytes: 10_000,
      keptDays: 395,
    };
    const small = total(reportsCostPerMillionPageViews({ ...base, pageViewsPerDay: 10_000 }));
    const large = total(reportsCostPerMillionPageViews({ ...base, pageViewsPerDay: 100_000 }));
    expect(large).toBeLessThan(small / 3);
  });
});
