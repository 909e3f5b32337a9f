/**
 * In AWS a function gets only the table, bucket and queue names its route declares (the stack sets
 * them beside the grants). A handler whose wiring reads another table's name would fail its cold
 * start there while passing every local test, where all names are set: this starts each handler with
 * only its declared environment.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';
import { BUCKETS, EVENT_BUS, QUEUES, TABLES, type BucketKey, type QueueKey, type TableKey } from '../../shared/resources';
import { ROUTES } from '../../shared/routes';
import { WORKERS } from '../../shared/workers';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

const functions = [
  ...ROUTES.map((r) => ({ id: r.id, handler: r.handler, uses: r.uses, streams: [] as readonly TableKey[] })),
  ...WORKERS.map((w) => ({ id: w.id, handler: w.handler, uses: w.uses, streams: w.trigger.kind === 'stream' ? w.trigger.tables : [] })),
];

describe('handler environment', () => {
  it.each(functions.map((f) => [f.id, f] as const))('%s starts with only the resources its declaration names', async (_id, f) => {
    const declared = new Set<string>([
      ...Object.keys(f.uses.tables ?? {}).map((k) => TABLES[k as TableKey].envVar),
      // A stream worker gets the names of the tables it reads the streams of (and no access to them).
      ...f.streams.map((k) => TABLES[k].envVar),
      ...Object.keys(f.uses.buckets ?? {}).map((k) => BUCKETS[k as BucketKey].envVar),
      ...Object.keys(f.uses.queues ?? {}).map((k) => QUEUES[k as QueueKey].envVar),
      ...(f.uses.publishesEvents ? [EVENT_BUS.envVar] : []),
    ]);
    for (const def of [...Object.values(TABLES), ...Object.values(BUCKETS), ...Object.values(QUEUES), EVENT_BUS]) {
      if (!declared.has(def.envVar)) delete process.env[def.envVar];
    }
    vi.resetModules();
    const module = (await import(pathToFileURL(join(REPO_ROOT, 'functions', `${f.handler}.ts`)).href)) as { handler: unknown };
    expect(typeof module.handler).toBe('function');
  });
});
