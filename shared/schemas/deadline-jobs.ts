/**
 * The deadline jobs on the queue: a request's chain hop (DeadlineJob) or a register's (RegisterJob).
 * Checked by hand rather than with zod: the deadline worker checks no other input, and these few
 * rules kept ~17 KB of zod in its bundle. The rules are those the schemas had: exactly these fields,
 * `v` 1, ids and milestones by pattern, a whole `hop` from 0, `at` an ISO instant in UTC.
 */
import type { DeadlineJob, RegisterJob } from '../domain/ports';
import type { RegisterKind } from '../domain/registers';

type Fields = Record<string, (value: unknown) => boolean>;

const matching = (pattern: RegExp) => (value: unknown) => typeof value === 'string' && pattern.test(value);
const chainId = (value: unknown) => typeof value === 'string' && value.length >= 1 && value.length <= 64;
const hop = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
/** An ISO instant in UTC with seconds ("2026-11-26T08:00:00.000Z", as toISOString writes it) that names a real moment: no 30 February, no 24:00. */
const instant = (value: unknown) => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) return false;
  const time = Date.parse(value);
  // A day or hour out of range rolls over (Date.parse('2026-02-30T...') is 2 March): the round trip shows it.
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19);
};

/** The body when it is an object with exactly these fields, each passing its check. */
function checked<T>(body: unknown, fields: Fields): T | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  if (keys.length !== Object.keys(fields).length) return undefined;
  for (const key of keys) if (!Object.hasOwn(fields, key) || !fields[key]!((body as Record<string, unknown>)[key])) return undefined;
  return body as T;
}

/** A request's deadline job, or undefined when the body is not one. */
export function deadlineJobOf(body: unknown): DeadlineJob | undefined {
  return checked<DeadlineJob>(body, {
    v: (value) => value === 1,
    requestId: matching(/^R-[A-Z2-9]{10}$/),
    chainId,
    hop,
    milestone: matching(/^(remind-\d+(\.\d+)?d|due|overdue-\d+)$/),
    at: instant,
  });
}

const REGISTER_KINDS: readonly RegisterKind[] = ['breach', 'processor'];

/** A register's deadline job (a breach's or an agreement's chain), or undefined when the body is not one. */
export function registerJobOf(body: unknown): RegisterJob | undefined {
  return checked<RegisterJob>(body, {
    v: (value) => value === 1,
    register: (value) => REGISTER_KINDS.includes(value as RegisterKind),
    entryId: matching(/^[BP]-[A-Z2-9]{10}$/),
    chainId,
    hop,
    milestone: matching(/^(remind-\d+h|escalate-\d+h|overdue-\d+h|expires-\d+d|expired)$/),
    at: instant,
  });
}
