/**
 * One CSV cell as RFC 4180 wants it, safe to open in a spreadsheet: text starting with = + - @ (or a
 * tab or carriage return) is prefixed with ' so it is never run as a formula; a cell holding a quote,
 * comma or line break is quoted. Used by the s39 record on the server and the console's downloads.
 */
export const csvCell = (value: string): string => {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
