/**
 * Dates as the customer's mail shows them (shared/domain/notices.ts: Asia/Bangkok, Buddhist era in
 * Thai). One formatting code for mail and console; days left come from the API (request-queue.ts).
 */
import { formatDate, formatDateTime } from '../domain/notices';
import type { Lang } from './i18n';

export { formatDate, formatDateTime };

export const dateTime = (iso: string | undefined, lang: Lang) => (iso ? formatDateTime(iso, lang) : '');
export const date = (iso: string | undefined, lang: Lang) => (iso ? formatDate(iso, lang) : '');
