/**
 * Structured JSON logs, one line each. LOG_LEVEL=silent mutes info (tests, bench); errors always
 * print. Callers pass only what operations need: ids of records, never names, emails or IPs.
 */
const muted = () => process.env.LOG_LEVEL === 'silent';

export const log = {
  info(msg: string, fields: Record<string, unknown> = {}) {
    if (!muted()) console.log(JSON.stringify({ level: 'info', msg, ...fields }));
  },
  error(msg: string, fields: Record<string, unknown> = {}) {
    console.error(JSON.stringify({ level: 'error', msg, ...fields }));
  },
};
