/**
 * The clock the production wiring hands to every handler. In AWS it is the system time and nothing
 * moves it; the local mode shifts it (`npm run clock -- +7d`) so a person can watch a deadline fire
 * without waiting a week. The domain sees only the `Clock` port.
 */
import type { Clock } from '../domain/ports';

let offsetMs = 0;

export const systemClock: Clock = { now: () => new Date(Date.now() + offsetMs) };

/** Local mode only: how far the clock of this process runs ahead of (or behind) real time. */
export const clockShift = {
  get: () => offsetMs,
  set(ms: number) {
    offsetMs = ms;
  },
};
