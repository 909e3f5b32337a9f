/**
 * `npm run clock -- +7d` moves the running local system's clock forward (and `-- reset` back, and
 * no argument shows it). Deadline jobs and every handler of that process see the moved time; due
 * jobs act within a few seconds. `--port N` (or PORT) picks the instance when several run.
 */
import { readLocalState, takePortOption } from './lib/local-system';

try {
  const args = process.argv.slice(2);
  const { url } = readLocalState(takePortOption(args));
  const arg = args[0];
  const res = await fetch(
    `${url}/_local/clock`,
    arg ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ change: arg }) } : {},
  );
  const body = (await res.json()) as { now?: string; offsetMs?: number; error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  const days = (body.offsetMs ?? 0) / 86_400_000;
  console.log(`local clock: ${body.now} (${days >= 0 ? '+' : ''}${days.toFixed(2)} days from real time)`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
