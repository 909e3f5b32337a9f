/**
 * Deadlines, one source of truth: how long the shop has to answer each kind of request, and when
 * staff are reminded. Unsubscribe: 7 days (policy 6). Everything else: 30 days from receipt (PDPA
 * fallback). Stages may override the defaults (REQUEST_DUE_DAYS, UNSUBSCRIBE_DUE_DAYS, REMIND_DAYS_BEFORE).
 */
import type { RequestType } from './request-types';

export const DAY_MS = 86_400_000;

export interface DeadlineSettings {
  requestDueDays: number;
  unsubscribeDueDays: number;
  /** Lead times before the due date at which staff are reminded, in days (e.g. [2, 1]). */
  remindDaysBefore: number[];
}

export const DEFAULT_DEADLINES: DeadlineSettings = { requestDueDays: 30, unsubscribeDueDays: 7, remindDaysBefore: [2, 1] };

export function dueAt(type: RequestType, receivedAt: Date, settings: DeadlineSettings = DEFAULT_DEADLINES): Date {
  const days = type === 'stop_marketing' ? settings.unsubscribeDueDays : settings.requestDueDays;
  return new Date(receivedAt.getTime() + days * DAY_MS);
}
