/**
 * Report aggregation (policy 1.2: visit data is collected to improve the website), plain TypeScript.
 *
 * The stream worker hands a batch of stored items (visit records, consent receipts, requests) to
 * `partialsOfBatch`, which turns it into one *partial* per Bangkok day: counters per cell (a page, a
 * search kind, a browser family, ...), log-scale histograms of time on page, and, until the day is
 * closed, truncated keyed hashes of the visitors and sessions seen in each cell, so that distinct
 * visitors add up correctly across batches. The daily close merges a day's partials into counts only
 * (`closeDay`): the hashes are gone, lists are capped, small query rows dropped. A day not closed yet
 * is read by merging its partials on the fly (`countsOfPartials`). Nothing here knows about AWS.
 *
 * Only new items count: a removed item (erasure, TTL expiry) changes no report, because nothing in a
 * report can be traced back to the person it came from.
 */
import { DAY_MS } from '../deadlines';

export const BANGKOK_OFFSET_MS = 7 * 3_600_000;
/** The Bangkok calendar day (YYYY-MM-DD) of an instant; Thailand has no daylight saving time. */
export const bangkokDay = (at: Date | string): string => new Date(new Date(at).getTime() + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);
/** The instant a Bangkok day starts. */
export const bangkokDayStart = (day: string): Date => new Date(Date.parse(`${day}T00:00:00.000Z`) - BANGKOK_OFFSET_MS);
/** Days from `from` to `to`, both included. */
export const daysBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

// ---------------------------------------------------------------------------------------------
// Time-on-page histograms: fixed log-scale buckets, so partials add bucket by bucket and a median or
// 75th percentile comes out within one bucket's width (about 19%) without keeping every sample.

/** Four buckets per doubling. */
const BUCKETS_PER_DOUBLING = 4;
export const histogramBucket = (ms: number): number => (ms < 1 ? 0 : Math.floor(Math.log2(ms) * BUCKETS_PER_DOUBLING) + 1);
/** A bucket's representative value: the geometric middle of its bounds, in whole milliseconds. */
const bucketValue = (bucket: number): number => (bucket === 0 ? 0 : Math.round(2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING)));
export type Histogram = Record<string, number>;

export function percentile(histogram: Histogram | undefined, p: number): number | null {
  const entries = Object.entries(histogram ?? {})
    .map(([b, n]) => [Number(b), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (!total) return null;
  let seen = 0;
  for (const [bucket, n] of entries) {
    seen += n;
    if (seen >= p * total) return bucketValue(bucket);
  }
  return bucketValue(entries.at(-1)![0]);
}

/** The exact percentile of a short list (days to close a request: few values, no personal data). */
export function exactPercentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------------------------------------
// Cells

/**
 * One cell of a day, keyed `<dimension>:<value>` (e.g. `page:/shoes`, `browser:Chrome`, `traffic`).
 * `c` counters; `v`/`s` hashes of distinct visitors and sessions (partials only); `h` time-on-page
 * histogram; `d` days to close (requests).
 */
export interface PartialCell {
  c: Record<string, number>;
  v?: string[];
  s?: string[];
  h?: Histogram;
  d?: number[];
}

/** Where one session started and ended within the day (by event time), for entry and exit pages. */
export interface SessionEnds {
  v: string;
  first: [string, string];
  last: [string, string];
}

export interface DayPartial {
  day: string;
  cells: Record<string, PartialCell>;
  sessions: Record<string, SessionEnds>;
}

/** A cell with counts only: `visitors`, `sessions` are counters (distinct within the day). */
export interface CountCell {
  c: Record<string, number>;
  h?: Histogram;
  d?: number[];
}
export type DayCounts = Record<string, CountCell>;

const emptyPartial = (day: string): DayPartial => ({ day, cells: {}, sessions: {} });

function cellOf(partial: DayPartial, key: string): PartialCell {
  partial.cells[key] ??= { c: {} };
  return partial.cells[key]!;
}
const bump = (cell: { c: Record<string, number> }, counter: string, by = 1) => {
  cell.c[counter] = (cell.c[counter] ?? 0) + by;
};
const addTo = (list: string[] | undefined, value: string | undefined): string[] | undefined => {
  if (value === undefined) return list;
  const out = list ?? [];
  if (!out.includes(value)) out.push(value);
  return out;
};

// ---------------------------------------------------------------------------------------------
// Stored items -> partials

/** The tables whose streams feed the reports. */
export const REPORT_STREAMS = ['visits', 'consents', 'requests'] as const;
export type ReportStream = (typeof REPORT_STREAMS)[number];

/** One new item from a stream: which table, and its images as the store wrote them. */
export interface NewItem {
  table: ReportStream;
  kind: 'INSERT' | 'MODIFY' | 'REMOVE';
  newItem?: Record<string, unknown>;
  oldItem?: Record<string, unknown>;
}

export interface AggregationSettings {
  /** reports.topSearchQueries: aggregate search text (normalised) at all. */
  topSearchQueries: boolean;
  /** Keyed, truncated hash of a visitor or session id (HMAC with the report key). */
  hash: (id: string) => string;
}

/** Query text as one row: trimmed, lower case, spaces collapsed. */
export const normaliseQuery = (query: string): string => query.trim().toLowerCase().replace(/\s+/g, ' ');

/** Browser or OS family: the name without its version ("Chrome 120" -> "Chrome", "Mac OS 10.15.7" -> "Mac OS"). */
export const family = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  const name = value
    .split(' ')
    .filter((word) => !/\d/.test(word))
    .join(' ')
    .trim();
  return name || undefined;
};

/** The internet provider by name where the record has it, else its AS number, else unknown. */
const providerOf = (item: Record<string, unknown>): string =>
  typeof item.isp === 'string' && item.isp ? item.isp : typeof item.asn === 'number' ? `AS${item.asn}` : UNKNOWN;

export const UNKNOWN = 'unknown';
export const OTHER = 'other';

/** The time of an event: the browser's hint when plausible (within a day before the server's time), else the server's. */
function eventTime(recordAt: string, hint: unknown): string {
  if (typeof hint !== 'string') return recordAt;
  const h = Date.parse(hint);
  const at = Date.parse(recordAt);
  return Number.isFinite(h) && h <= at + 600_000 && h >= at - DAY_MS ? new Date(h).toISOString() : recordAt;
}

interface StoredEventLike {
  t?: string;
  p?: string;
  k?: string;
  q?: string;
  d?: number;
  n?: number;
  c?: string;
}

function addVisitRecord(partials: (day: string) => DayPartial, item: Record<string, unknown>, settings: AggregationSettings) {
  if (typeof item.pk !== 'string' || !item.pk.startsWith('V#') || typeof item.at !== 'string' || !Array.isArray(item.ev)) return;
  // The day is the server's: a record written on day D is always in D's partials, whatever the browser's clock says.
  const partial = partials(bangkokDay(item.at));
  const visitor = settings.hash(item.pk.slice(2));
  const session = settings.hash(`${item.pk.slice(2)}\u0000${String(item.sid)}`);
  const tech: [string, string][] = [
    ['browser', family(item.br as string | undefined) ?? UNKNOWN],
    ['os', family(item.os as string | undefined) ?? UNKNOWN],
    // ua-parser names no type for desktop browsers.
    ['device', typeof item.dv === 'string' && item.dv ? item.dv : 'desktop'],
    ['provider', providerOf(item)],
  ];
  for (const [dimension, name] of tech) {
    const cell = cellOf(partial, `${dimension}:${name}`);
    cell.v = addTo(cell.v, visitor);
  }
  for (const event of item.ev as StoredEventLike[]) {
    const at = eventTime(item.at, event.c);
    if (event.t === 'pageview' && event.p) {
      const daily = cellOf(partial, 'traffic');
      bump(daily, 'pageViews');
      daily.v = addTo(daily.v, visitor);
      daily.s = addTo(daily.s, session);
      const page = cellOf(partial, `page:${event.p}`);
      bump(page, 'pageViews');
      page.v = addTo(page.v, visitor);
      if (typeof event.d === 'number') addDuration(page, event.d);
      for (const [dimension, name] of tech) bump(cellOf(partial, `${dimension}:${name}`), 'pageViews');
      partial.sessions[session] ??= { v: visitor, first: [at, event.p], last: [at, event.p] };
      const ends = partial.sessions[session]!;
      if (at < ends.first[0]) ends.first = [at, event.p];
      if (at >= ends.last[0]) ends.last = [at, event.p];
    } else if (event.t === 'leave' && event.p && typeof event.d === 'number') {
      // The visitor counts toward the page's row, so a time from one visitor is suppressed like any small row.
      const page = cellOf(partial, `page:${event.p}`);
      addDuration(page, event.d);
      page.v = addTo(page.v, visitor);
    } else if (event.t === 'search') {
      const zero = event.n === 0 ? 1 : 0;
      const daily = cellOf(partial, 'searches');
      bump(daily, 'searches');
      bump(daily, 'zeroResults', zero);
      daily.v = addTo(daily.v, visitor);
      const kind = cellOf(partial, `kind:${event.k || UNKNOWN}`);
      bump(kind, 'searches');
      bump(kind, 'zeroResults', zero);
      kind.v = addTo(kind.v, visitor);
      const query = event.q ? normaliseQuery(event.q) : '';
      if (settings.topSearchQueries && query) {
        const cell = cellOf(partial, `query:${query}`);
        bump(cell, 'searches');
        cell.v = addTo(cell.v, visitor);
      }
    }
  }
}

function addDuration(cell: PartialCell, ms: number) {
  cell.h ??= {};
  const bucket = String(histogramBucket(ms));
  cell.h[bucket] = (cell.h[bucket] ?? 0) + 1;
}

const CONSENT_CATEGORIES = ['analytics', 'marketing'] as const;

/** A consent receipt (append-only, `RECEIPT#...`): the choice made; the current item's change: a renewal. */
function addConsent(partials: (day: string) => DayPartial, change: NewItem, settings: AggregationSettings) {
  const item = change.newItem!;
  const sk = String(item.sk ?? '');
  const choices = item.choices as Record<string, boolean> | undefined;
  if (typeof item.recordedAt !== 'string' || !choices || typeof item.visitorId !== 'string') return;
  const partial = partials(bangkokDay(item.recordedAt));
  const visitor = settings.hash(item.visitorId);
  if (sk.startsWith('RECEIPT#') && change.kind === 'INSERT') {
    const granted = CONSENT_CATEGORIES.filter((c) => choices[c] === true).length;
    const daily = cellOf(partial, 'consent');
    bump(daily, granted === CONSENT_CATEGORIES.length ? 'acceptAll' : granted === 0 ? 'refuseAll' : 'custom');
    if (item.gpc === true) bump(daily, 'gpc');
    daily.v = addTo(daily.v, visitor);
    for (const category of CONSENT_CATEGORIES) {
      const cell = cellOf(partial, `category:${category}`);
      bump(cell, choices[category] === true ? 'granted' : 'refused');
      cell.v = addTo(cell.v, visitor);
    }
  } else if (sk === 'CURRENT') {
    // The current choice replaced one given under an older policy version: the visitor answered a renewal.
    const before = change.oldItem;
    const oldChoices = before?.choices as Record<string, boolean> | undefined;
    if (!before || !oldChoices || before.policyVersion === item.policyVersion || typeof item.policyVersion !== 'string') return;
    const kept = CONSENT_CATEGORIES.every((c) => oldChoices[c] !== true || choices[c] === true);
    const cell = cellOf(partial, `renewal:${item.policyVersion}`);
    bump(cell, 'asked');
    bump(cell, kept ? 'renewed' : 'declined');
    cell.v = addTo(cell.v, visitor);
  }
}

const CLOSED_STATUSES = new Set(['done', 'rejected']);

/** Requests: received when written, closed when their status turns done or rejected. No hashes: not suppressed. */
function addRequest(partials: (day: string) => DayPartial, change: NewItem) {
  const item = change.newItem!;
  if (typeof item.type !== 'string' || typeof item.channel !== 'string' || typeof item.receivedAt !== 'string' || typeof item.dueAt !== 'string') return;
  if (change.kind === 'INSERT') bump(cellOf(partials(bangkokDay(item.receivedAt)), `received:${item.type}|${item.channel}`), 'received');
  const wasClosed = CLOSED_STATUSES.has(String(change.oldItem?.status));
  if (CLOSED_STATUSES.has(String(item.status)) && !wasClosed && typeof item.closedAt === 'string') {
    const cell = cellOf(partials(bangkokDay(item.closedAt)), `timing:${item.type}`);
    bump(cell, 'closed');
    if (item.closedAt <= item.dueAt) bump(cell, 'onTime');
    const days = (Date.parse(item.closedAt) - Date.parse(item.receivedAt)) / DAY_MS;
    cell.d = [...(cell.d ?? []), Math.round(days * 10) / 10];
  }
}

/** One partial per Bangkok day the batch touches. REMOVE records (erasure, TTL) are ignored. */
export function partialsOfBatch(changes: readonly NewItem[], settings: AggregationSettings): DayPartial[] {
  const byDay = new Map<string, DayPartial>();
  const partials = (day: string) => {
    if (!byDay.has(day)) byDay.set(day, emptyPartial(day));
    return byDay.get(day)!;
  };
  for (const change of changes) {
    if (change.kind === 'REMOVE' || !change.newItem) continue;
    if (change.table === 'visits' && change.kind === 'INSERT') addVisitRecord(partials, change.newItem, settings);
    else if (change.table === 'consents') addConsent(partials, change, settings);
    else if (change.table === 'requests') addRequest(partials, change);
  }
  return [...byDay.values()].filter((p) => Object.keys(p.cells).length > 0);
}

// ---------------------------------------------------------------------------------------------
// Merging and closing

function addHistogram(into: { h?: Histogram }, from: Histogram | undefined) {
  if (!from) return;
  into.h ??= {};
  for (const [bucket, n] of Object.entries(from)) into.h[bucket] = (into.h[bucket] ?? 0) + n;
}

/** The partials of one day as one: counters and histograms add, hash sets unite, sessions keep their first and last page. */
export function mergePartials(day: string, partials: readonly DayPartial[]): DayPartial {
  const out = emptyPartial(day);
  for (const partial of partials) {
    for (const [key, cell] of Object.entries(partial.cells)) {
      const into = cellOf(out, key);
      for (const [counter, n] of Object.entries(cell.c)) bump(into, counter, n);
      for (const v of cell.v ?? []) into.v = addTo(into.v, v);
      for (const s of cell.s ?? []) into.s = addTo(into.s, s);
      addHistogram(into, cell.h);
      if (cell.d) into.d = [...(into.d ?? []), ...cell.d];
    }
    for (const [session, ends] of Object.entries(partial.sessions)) {
      const into = out.sessions[session];
      if (!into) out.sessions[session] = { v: ends.v, first: [...ends.first], last: [...ends.last] };
      else {
        if (ends.first[0] < into.first[0]) into.first = [...ends.first];
        if (ends.last[0] >= into.last[0]) into.last = [...ends.last];
      }
    }
  }
  return out;
}

/** Counts of a merged partial: distinct visitors and sessions become numbers; entry and exit pages are counted per session. */
export function countsOfPartial(partial: DayPartial): DayCounts {
  const counts: DayCounts = {};
  for (const [key, cell] of Object.entries(partial.cells)) {
    const c = { ...cell.c };
    if (cell.v) c.visitors = cell.v.length;
    if (cell.s) c.sessions = cell.s.length;
    counts[key] = { c, ...(cell.h ? { h: { ...cell.h } } : {}), ...(cell.d ? { d: [...cell.d] } : {}) };
  }
  const ends = new Map<string, Set<string>>();
  for (const session of Object.values(partial.sessions)) {
    for (const [kind, [, path]] of [
      ['entry', session.first],
      ['exit', session.last],
    ] as const) {
      const key = `${kind}:${path}`;
      counts[key] ??= { c: {} };
      bump(counts[key]!, 'sessions');
      if (!ends.has(key)) ends.set(key, new Set());
      ends.get(key)!.add(session.v);
    }
  }
  for (const [key, visitors] of ends) counts[key]!.c.visitors = visitors.size;
  return counts;
}

/** Reading a day not closed yet: its partials merged on the fly. */
export const countsOfPartials = (day: string, partials: readonly DayPartial[]): DayCounts => countsOfPartial(mergePartials(day, partials));

/** Longest lists a closed day keeps; the rest is summed into one `other` row. */
export const LIST_CAP = 200;
/** Lists capped at close (top rows by the first counter, rest into `<dimension>:other`). */
const CAPPED_LISTS = { page: 'pageViews', entry: 'sessions', exit: 'sessions' } as const;

export interface CloseOptions {
  threshold: number;
  cap?: number;
}

/**
 * The closed day: counts only (no hashes, no sessions), query rows under the threshold dropped
 * (their text would single someone out), pages and entry/exit pages capped to the top `cap` with the
 * rest summed as `other`.
 */
export function closeDay(day: string, partials: readonly DayPartial[], options: CloseOptions): DayCounts {
  const counts = countsOfPartials(day, partials);
  const cap = options.cap ?? LIST_CAP;
  for (const [key, cell] of Object.entries(counts)) if (key.startsWith('query:') && (cell.c.visitors ?? 0) < options.threshold) delete counts[key];
  for (const [dimension, counter] of Object.entries(CAPPED_LISTS)) {
    const rows = Object.entries(counts)
      .filter(([key]) => key.startsWith(`${dimension}:`))
      .sort((a, b) => (b[1].c[counter] ?? 0) - (a[1].c[counter] ?? 0) || a[0].localeCompare(b[0]));
    if (rows.length <= cap) continue;
    const other: CountCell = { c: {} };
    for (const [key, cell] of rows.slice(cap)) {
      for (const [name, n] of Object.entries(cell.c)) if (name !== 'visitors') bump(other, name, n);
      // Distinct visitors do not add across rows: the largest is a floor for the suppression check.
      other.c.visitors = Math.max(other.c.visitors ?? 0, cell.c.visitors ?? 0);
      addHistogram(other, cell.h);
      delete counts[key];
    }
    counts[`${dimension}:${OTHER}`] = other;
  }
  return counts;
}

/** Adds a day's closed counts and the counts of partials that arrived after it closed. */
export function addCounts(a: DayCounts, b: DayCounts): DayCounts {
  const out: DayCounts = structuredClone(a);
  for (const [key, cell] of Object.entries(b)) {
    out[key] ??= { c: {} };
    const into = out[key]!;
    for (const [counter, n] of Object.entries(cell.c)) bump(into, counter, n);
    addHistogram(into, cell.h);
    if (cell.d) into.d = [...(into.d ?? []), ...cell.d];
  }
  return out;
}
