/**
 * Dates as the customer's mail shows them (shared/domain/notices.ts: Asia/Bangkok, Buddhist era in
 * Thai), and days left as one number. One formatting code for mail and console.
 */
import { DAY_MS } from '../domain/deadlines';
import { formatDate, formatDateTime } from '../domain/notices';
import type { Lang } from './i18n';

export { formatDate, formatDateTime };

/** Bangkok is UTC+7 all year (no daylight saving): its calendar day is the UTC day of the shifted instant. */
const BANGKOK_OFFSET_MS = 7 * 3_600_000;
const bangkokDay = (ms: number) => Math.floor((ms + BANGKOK_OFFSET_MS) / DAY_MS);

/**
 * Calendar days from today (Bangkok) to the due date: 0 = due today, negative = overdue by that many
 * days. Calendar days, not 24-hour periods, so "1" always means "tomorrow" to the reader.
 */
export const daysLeft = (dueAt: string, now: number = Date.now()) => bangkokDay(Date.parse(dueAt)) - bangkokDay(now);

export const dateTime = (iso: string | undefined, lang: Lang) => (iso ? formatDateTime(iso, lang) : '');
export const date = (iso: string | undefined, lang: Lang) => (iso ? formatDate(iso, lang) : '');
