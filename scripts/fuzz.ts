/**
 * `npm run fuzz [-- --count N] [--seconds S] [--seed X] [--concurrency C] [--reset-every R]`: starts the local mode as a
 * child (its own emulator, loopback only), sends N generated requests (default 10,000) to EACH public
 * route of the route table (valid ones and hostile ones: see scripts/lib/fuzz-cases.ts), stops after
 * S seconds at most, prints a table of answers by route and status, and exits 1 if any answer was a
 * 5xx (or a connection failed), printing one example request per kind of failure. Nothing is written
 * to disk; examples mask anything shaped like an e-mail address. Ctrl-C stops everything it started.
 * The emulator is kept measuring our code, not its own limits: the local mode sends it one
 * transaction at a time (moto answers overlapping ones with an HTML 500), and every R requests (all
 * routes together) the fuzz waits for the requests in flight, resets the emulator and has the tables,
 * queues and buckets created again (moto slows down with every transaction it has taken).
 * Not part of `npm test`; test/integration/fuzz-script.test.ts runs it with a tiny count.
 * Run by `node --import tsx`, not the tsx CLI: the CLI SIGKILLs a child that does not acknowledge a
 * Ctrl-C within 30 ms, which on a busy machine would lose the table of an interrupted run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { REPO_ROOT } from '../infra/stage-config';
import { ROUTES, routeKey, type RouteDef } from '../shared/routes';
import { type FuzzRequest, requestsFor } from './lib/fuzz-cases';

const USAGE =
  'usage: npm run fuzz -- [--count N (per route, default 10000)] [--seconds S (default 1800)] [--seed X] [--concurrency C (default 8)] [--reset-every R (requests between emulator resets, default 5000)]';
const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '1800' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'reset-every': { type: 'string', default: '5000' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const positiveInt = (name: string, raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive whole number, got "${raw}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const count = positiveInt('count', args.count);
const seconds = positiveInt('seconds', args.seconds);
const concurrency = positiveInt('concurrency', args.concurrency);
const resetEvery = positiveInt('reset-every', args['reset-every']);
const seed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(args.seed);
if (!Number.isInteger(seed)) {
  console.error(`--seed must be a whole number\n${USAGE}`);
  process.exit(2);
}

const PUBLIC = ROUTES.filter((r) => r.auth === 'public');
/** Requests generated at a time per route: bounded memory, same sequence for the same seed. */
const BATCH = 50;
const REQUEST_TIMEOUT_MS = 60_000;

// --- the target ----------------------------------------------------------------------------------

interface Target {
  url: URL;
  child: ChildProcess;
  pid: number;
  emulatorPid: number | null;
  /** Errors the local mode logged, by route and error name (nothing else of its output is kept). */
  logged: Map<string, number>;
  /** Resets the emulator and creates the resources again; call only with no request in flight. */
  resetEmulator(): Promise<void>;
}

/**
 * Reduces a line of the local mode's error output to "route ErrorName", or nothing. The handlers log
 * unhandled errors as JSON with the route and the error's name only; the local server prints a crash
 * as a stack whose first line starts with the name. Messages are dropped: they may echo input.
 */
function errorNameOf(line: string): string | undefined {
  if (line.startsWith('{')) {
    try {
      const entry = JSON.parse(line) as { level?: string; route?: string; error?: string };
      if (entry.level === 'error') return `${entry.route ?? 'unknown route'} ${entry.error ?? 'Error'}`;
    } catch {
      return undefined;
    }
  }
  const crash = /^([A-Z]\w*(Error|Exception))\b/.exec(line);
  return crash ? `local server ${crash[1]}` : undefined;
}

function startTarget(): Promise<Target> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'lib', 'fuzz-target.ts')], {
    cwd: REPO_ROOT,
    // Its own process group: a Ctrl-C reaches only this process, which then stops the child by PID.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let startupErrors = '';
  const onStderr = (chunk: Buffer) => {
    startupErrors = (startupErrors + chunk.toString()).slice(-4000);
  };
  child.stderr?.on('data', onStderr);
  return new Promise((resolve, reject) => {
    let out = '';
    const onStdout = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      child.stdout?.off('data', onStdout);
      child.off('exit', onExit);
      // From here on the child's output (handler logs, error traces) is read and dropped, never shown;
      // only its answers to a reset are taken from stdout.
      child.stderr?.off('data', onStderr);
      const resetAnswers: ((answer: { reset: boolean; error?: string }) => void)[] = [];
      let stdoutPartial = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        const lines = (stdoutPartial + chunk.toString()).split('\n');
        stdoutPartial = lines.pop() ?? '';
        for (const l of lines.filter((l) => l.startsWith('{"reset":'))) resetAnswers.shift()?.(JSON.parse(l) as { reset: boolean; error?: string });
      });
      const resetEmulator = () =>
        new Promise<void>((resolveReset, rejectReset) => {
          const gone = () => rejectReset(new Error('the local mode exited during an emulator reset'));
          child.once('exit', gone);
          resetAnswers.push((answer) => {
            child.off('exit', gone);
            if (answer.reset) resolveReset();
            else rejectReset(new Error(`the emulator reset failed: ${answer.error ?? 'unknown'}`));
          });
          child.stdin?.write('reset\n');
        });
      const logged = new Map<string, number>();
      let partial = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const name of lines.map(errorNameOf)) if (name) logged.set(name, (logged.get(name) ?? 0) + 1);
      });
      const ready = JSON.parse(line) as { url: string; pid: number; emulatorPid: number | null };
      const url = new URL(ready.url);
      if (url.hostname !== '127.0.0.1') {
        void stopTarget(child).then(() => reject(new Error(`refusing to fuzz a non-loopback address: ${url.host}`)));
        return;
      }
      resolve({ url, child, pid: ready.pid, emulatorPid: ready.emulatorPid, logged, resetEmulator });
    };
    const onExit = (code: number | null) => reject(new Error(`the local mode exited (code ${code}) before it was ready:\n${startupErrors}`));
    child.stdout?.on('data', onStdout);
    child.once('exit', onExit);
    child.once('error', reject);
  });
}

function stopTarget(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// --- sending -------------------------------------------------------------------------------------

interface Answer {
  status: number | 'ERR';
  /** `error.code` of a JSON error body, or the failure of the connection. */
  code?: string;
}

/**
 * Sends one request. A keep-alive socket the server closed while it sat idle fails on reuse with
 * ECONNRESET before the server saw anything (a race of HTTP keep-alive, not an answer): such a
 * request is sent once more on a fresh connection, as Node's documentation advises.
 */
async function send(base: URL, agent: Agent, r: FuzzRequest): Promise<Answer> {
  const first = await sendOnce(base, agent, r);
  return first.retry ? sendOnce(base, agent, r) : first;
}

function sendOnce(base: URL, agent: Agent, r: FuzzRequest): Promise<Answer & { retry?: boolean }> {
  return new Promise((resolve) => {
    // Framed explicitly: Node's client sends a GET's body without Content-Length, which no server can parse.
    const headers = r.body ? { ...r.headers, 'content-length': String(r.body.length) } : r.headers;
    const req = request({ host: base.hostname, port: base.port, method: r.method, path: r.path, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        // Only a 5xx body is looked at (for its error code); the rest is read and dropped.
        if (status >= 500 && kept < 2048) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on('end', () => {
        let code: string | undefined;
        if (status >= 500) {
          try {
            code = JSON.parse(Buffer.concat(chunks).toString('utf8'))?.error?.code;
          } catch {
            code = 'non-json-body';
          }
        }
        resolve({ status, ...(code ? { code } : {}) });
      });
      res.on('error', (error) => resolve({ status: 'ERR', code: (error as NodeJS.ErrnoException).code ?? error.name }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code ?? error.name;
      resolve({ status: 'ERR', code, ...(req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') ? { retry: true } : {}) });
    });
    req.end(r.body);
  });
}

// --- reporting -----------------------------------------------------------------------------------

const isFailure = (a: Answer) => a.status === 'ERR' || a.status >= 500;

/** Printable form of generated text: control and non-ASCII characters escaped, e-mail-like local parts masked. */
function printable(text: string, max = 240): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  return cut
    .replace(/[A-Za-z0-9._%+-]+@(?=[A-Za-z0-9.-])/g, '***@')
    .replace(/[^\x20-\x7e]/g, (c) =>
      c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

function describe(r: FuzzRequest): string {
  const body = r.body ? `${r.body.length} bytes: ${printable(r.body.subarray(0, 600).toString('latin1'))}` : '(none)';
  return [`    ${r.method} ${printable(r.path, 300)}`, ...Object.entries(r.headers).map(([k, v]) => `    ${k}: ${printable(v, 120)}`), `    body ${body}`].join(
    '\n',
  );
}

function table(counts: Map<string, Map<string, number>>, sent: Map<string, number>): string {
  const statuses = [...new Set([...counts.values()].flatMap((m) => [...m.keys()]))].sort();
  const header = ['route', 'sent', ...statuses];
  const rows = PUBLIC.map((route) => {
    const key = routeKey(route);
    const byStatus = counts.get(key) ?? new Map<string, number>();
    return [key, String(sent.get(key) ?? 0), ...statuses.map((s) => String(byStatus.get(s) ?? ''))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

// --- main ----------------------------------------------------------------------------------------

async function main(): Promise<number> {
  console.error(
    `fuzz: seed ${seed}, ${count} request(s) per route to ${PUBLIC.length} public routes, at most ${seconds} s, ${concurrency} at a time, emulator reset every ${resetEvery} requests`,
  );
  let interrupted = false;
  let child: ChildProcess | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // A second Ctrl-C: do not wait for the requests in flight.
      child?.kill('SIGKILL');
      process.exit(130);
    }
    interrupted = true;
    console.error(`\nfuzz: ${signal}: finishing the requests in flight, then stopping the local mode`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const target = await startTarget();
  child = target.child;
  console.error(`fuzz: local mode ready on ${target.url.origin} (pid ${target.pid}, emulator pid ${target.emulatorPid ?? 'none'})`);

  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const counts = new Map<string, Map<string, number>>();
  const sent = new Map<string, number>();
  const examples = new Map<string, FuzzRequest>();
  const started = Date.now();
  const deadline = started + seconds * 1000;

  // Routes take turns, so a run cut short by --seconds (or Ctrl-C) still covers every route evenly.
  const streams = PUBLIC.map((route, i) => ({ route, next: 0, batch: [] as FuzzRequest[], arbitrary: requestsFor(route), salt: i }));
  let turn = 0;
  const nextRequest = (): { route: RouteDef; request: FuzzRequest } | undefined => {
    for (let tries = 0; tries < streams.length; tries++) {
      const stream = streams[turn++ % streams.length]!;
      if (stream.next >= count) continue;
      if (!stream.batch.length) {
        const size = Math.min(BATCH, count - stream.next);
        stream.batch = fc.sample(stream.arbitrary, { numRuns: size, seed: (seed + stream.salt * 7919 + stream.next) | 0 });
      }
      stream.next++;
      return { route: stream.route, request: stream.batch.shift()! };
    }
    return undefined;
  };

  // Emulator resets: a worker that finds `resetEvery` requests issued since the last one starts it;
  // every worker waits for it, and it waits for the requests in flight to be answered.
  let issuedSinceReset = 0;
  let inFlight = 0;
  let resets = 0;
  let resetting: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  const startReset = () => {
    resetting = (async () => {
      if (inFlight) await new Promise<void>((resolve) => (drained = resolve));
      drained = undefined;
      await target.resetEmulator();
      resets++;
      issuedSinceReset = 0;
    })().finally(() => {
      resetting = undefined;
    });
  };

  let timedOut = false;
  const progressEvery = Math.max(1000, Math.floor((count * PUBLIC.length) / 20));
  let done = 0;
  const worker = async () => {
    for (;;) {
      while (resetting !== undefined) await resetting;
      if (interrupted) return;
      if (Date.now() >= deadline) {
        timedOut = true;
        return;
      }
      const next = nextRequest();
      if (!next) return;
      // Only before a request still to send: a reset after the last one would be wasted.
      if (issuedSinceReset >= resetEvery) {
        if (resetting === undefined) startReset();
        while (resetting !== undefined) await resetting;
      }
      const key = routeKey(next.route);
      sent.set(key, (sent.get(key) ?? 0) + 1);
      issuedSinceReset++;
      inFlight++;
      const answer = await send(target.url, agent, next.request).finally(() => {
        if (--inFlight === 0) drained?.();
      });
      const status = String(answer.status);
      const byStatus = counts.get(key) ?? new Map<string, number>();
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      counts.set(key, byStatus);
      if (isFailure(answer)) {
        const kind = `${key} -> ${status}${answer.code ? ` ${answer.code}` : ''} (${next.request.kind})`;
        if (!examples.has(kind)) examples.set(kind, next.request);
      }
      if (++done % progressEvery === 0)
        console.error(`fuzz: ${done} answers, ${examples.size} failure kind(s), ${Math.round((Date.now() - started) / 1000)} s`);
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
    await stopTarget(target.child);
  }

  const total = [...sent.values()].reduce((a, b) => a + b, 0);
  const elapsed = (Date.now() - started) / 1000;
  console.log(`\nAnswers by route and status (${total} requests in ${elapsed.toFixed(0)} s, seed ${seed}):\n`);
  console.log(table(counts, sent));
  console.log(
    `\nThe emulator took one transaction at a time and was reset ${resets} time(s) (every ${resetEvery} requests), so its own limits are not counted as ours.`,
  );
  if (timedOut) console.log(`\nStopped by --seconds ${seconds} before every route had ${count} requests.`);
  if (interrupted) console.log('\nInterrupted: the table covers the requests answered so far.');
  if (target.logged.size) {
    console.log('\nErrors the local mode logged (route and error name; messages are not kept):');
    for (const [name, n] of [...target.logged].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${name}`);
  }
  if (examples.size) {
    console.log(`\n${examples.size} kind(s) of 5xx or failed connection; one example each (replay with --seed ${seed} --count ${count}):`);
    for (const [kind, example] of examples) console.log(`\n  ${kind}\n${describe(example)}`);
    return 1;
  }
  console.log('\nNo 5xx and no failed connection.');
  return interrupted ? 130 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`fuzz: ${error.message}`);
    process.exit(1);
  },
);
