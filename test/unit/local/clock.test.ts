import { afterEach, describe, expect, it } from 'vitest';
import { clockShift, systemClock } from '../../../shared/adapters/clock';
import { parseClockChange } from '../../../scripts/lib/clock';

afterEach(() => clockShift.set(0));

describe('local clock', () => {
  it('moves the clock every handler is wired with by "+7d", and back on "reset"', () => {
    clockShift.set(parseClockChange('+7d', clockShift.get()));
    const ahead = systemClock.now().getTime() - Date.now();
    // Between 7 days minus a generous margin and 7 days: the two readings are moments apart.
    expect(ahead).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(ahead).toBeLessThanOrEqual(7 * 86_400_000);
    clockShift.set(parseClockChange('-2h', clockShift.get()));
    expect(clockShift.get()).toBe(7 * 86_400_000 - 2 * 3_600_000);
    clockShift.set(parseClockChange('reset', clockShift.get()));
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('rejects a change it cannot read', () => {
    expect(() => parseClockChange('next week', 0)).toThrow(/not a clock change/);
  });
});
