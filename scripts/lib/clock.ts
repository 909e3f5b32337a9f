/** `npm run clock` arguments: "+7d", "-2h", "+90m", "+30s", "reset". */
export function parseClockChange(arg: string, currentOffsetMs: number): number {
  if (arg === 'reset') return 0;
  const m = /^([+-])(\d+(?:\.\d+)?)(d|h|m|s)$/.exec(arg.trim());
  if (!m) throw new Error(`"${arg}" is not a clock change: use +7d, +36h, -90m, +30s or reset`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[m[3] as 'd' | 'h' | 'm' | 's'];
  return currentOffsetMs + (m[1] === '-' ? -1 : 1) * Number(m[2]) * unit;
}
