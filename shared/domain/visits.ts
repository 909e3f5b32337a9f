/**
 * Visit logging (policy 1.1, 1.2, 3): what a storefront beacon may store, under which consent, and in
 * what shape. A beacon is stored as one record holding all its events; facts that describe the
 * request (IP, browser, provider, server time, session) are stored once per record, not per event.
 * DynamoDB bills a write unit per started KB of each item, so ten events of ~250 bytes in one record
 * cost three write units, not ten.
 */
import { hash } from 'node:crypto';
import { BEACON_LIMITS } from '../schemas/visits';
import type { TokenCheck } from './consent-token';

export const EVENT_TYPES = ['pageview', 'search', 'leave', 'order'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface VisitEventInput {
  type: EventType;
  path?: string;
  referrer?: string;
  title?: string;
  searchKind?: string;
  query?: string;
  /** A search's result count: 0 marks a search without results (searches report). */
  results?: number;
  durationMs?: number;
  orderId?: string;
  total?: number;
  /** The browser's clock: kept as a hint only. */
  at?: string;
}

export interface BeaconInput {
  visitorId: string;
  sessionId: string;
  consentToken?: string;
  events: VisitEventInput[];
}

/** Facts taken from the request, never from the body. */
export interface RequestFacts {
  ip: string;
  browser?: string;
  os?: string;
  device?: string;
  asn?: number;
  isp?: string;
}

// ---------------------------------------------------------------------------------------------
// Consent gate

export type GateDecision = { store: true } | { store: false; reason: GateReason };
export type GateReason =
  | 'invalid_token'
  | 'token_expired'
  | 'token_for_other_visitor'
  | 'analytics_not_consented'
  | 'consent_withdrawn'
  | 'no_consent'
  | 'profiling_stopped';

/**
 * Analytics events are stored only with analytics consent. A valid token is necessary when sent, but
 * not sufficient: the visitor's current consent is read too, so a withdrawal wins at once even over
 * a token issued before it. Without a token, the current consent alone decides.
 */
export function consentGate(
  visitorId: string,
  token: TokenCheck | undefined,
  current: { analytics: boolean; profilingStopped?: boolean } | undefined,
): GateDecision {
  // The visitor's member was deactivated (policy 2.2): no consent, old or new, makes them profiled again.
  if (current?.profilingStopped) return { store: false, reason: 'profiling_stopped' };
  if (token) {
    if (!token.ok) return { store: false, reason: token.reason === 'expired' ? 'token_expired' : 'invalid_token' };
    if (token.claims.sub !== visitorId) return { store: false, reason: 'token_for_other_visitor' };
    if (!token.claims.a) return { store: false, reason: 'analytics_not_consented' };
    if (!current) return { store: false, reason: 'no_consent' };
    return current.analytics ? { store: true } : { store: false, reason: 'consent_withdrawn' };
  }
  if (!current) return { store: false, reason: 'no_consent' };
  return current.analytics ? { store: true } : { store: false, reason: 'analytics_not_consented' };
}

// ---------------------------------------------------------------------------------------------
// Sanitising what the browser sends

/**
 * Pages are recorded without query string or fragment: those carry search terms, tokens and
 * sometimes e-mail addresses, which the policy does not ask us to keep (searches have their own event).
 */
export function pathOnly(value: string): string {
  const hash = value.indexOf('#');
  const query = value.indexOf('?');
  const end = hash === -1 ? query : query === -1 ? hash : Math.min(hash, query);
  return end === -1 ? value : value.slice(0, end);
}

/**
 * A referrer that URL parsing would give back unchanged up to its query: lower-case http(s), a host
 * of plain labels (the last starting with a letter, so never an IPv4 address; no punycode, port or
 * user) and a path of unreserved characters without dot segments. Most referrers are; they skip the
 * parse, which is most of this function's cost on every event.
 */
const PLAIN_REFERRER = /^https?:\/\/(?:(?!xn--)[a-z0-9-]+\.)+(?!xn--)[a-z][a-z0-9-]*(\/[A-Za-z0-9_~./-]*)?$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/** A referrer is kept as origin + path; a value that is not a URL is kept as a bare path. */
export function referrerOnly(value: string): string {
  const beforeQuery = pathOnly(value);
  const plain = PLAIN_REFERRER.exec(beforeQuery);
  if (plain && !DOT_SEGMENT.test(beforeQuery)) return plain[1] ? beforeQuery : `${beforeQuery}/`;
  try {
    const url = new URL(value);
    return `${url.origin}${url.pathname}`;
  } catch {
    return pathOnly(value);
  }
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(value: string, maxBytes: number): string {
  // A UTF-16 unit never takes more than 3 UTF-8 bytes: most values need no counting at all.
  if (value.length * 3 <= maxBytes || Buffer.byteLength(value) <= maxBytes) return value;
  let out = '';
  let bytes = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** Per-field budgets (UTF-8 bytes) that keep any single event inside its share of a record (RECORD_BYTES_PER_EVENT). */
export const FIELD_BUDGET = { path: 256, referrer: 200, title: 150, searchKind: 40, query: 100, orderId: 64 } as const;

/** Stored event: short attribute names, because DynamoDB counts name bytes in every item. */
export interface StoredEvent {
  t: EventType;
  p?: string;
  r?: string;
  ti?: string;
  k?: string;
  q?: string;
  /** search results */
  n?: number;
  d?: number;
  o?: string;
  v?: number;
  /** client time hint */
  c?: string;
}

/** A free-text field cut to its budget; empty counts as absent. */
const text = (value: string | undefined, budget: number) => (value === undefined ? undefined : truncateUtf8(value, budget) || undefined);

export function storedEvent(e: VisitEventInput): StoredEvent {
  // Only the fields that carry something are set (no `delete` afterwards: that turns the object into
  // a slow dictionary for everything that reads it later, the SDK's marshalling included).
  const event: StoredEvent = { t: e.type };
  const p = text(e.path === undefined ? undefined : pathOnly(e.path), FIELD_BUDGET.path);
  if (p) event.p = p;
  const r = text(e.referrer === undefined || e.referrer === '' ? undefined : referrerOnly(e.referrer), FIELD_BUDGET.referrer);
  if (r) event.r = r;
  const ti = text(e.title, FIELD_BUDGET.title);
  if (ti) event.ti = ti;
  const k = text(e.searchKind, FIELD_BUDGET.searchKind);
  if (k) event.k = k;
  const q = text(e.query, FIELD_BUDGET.query);
  if (q) event.q = q;
  if (e.results !== undefined) event.n = e.results;
  if (e.durationMs !== undefined) event.d = e.durationMs;
  const o = text(e.orderId, FIELD_BUDGET.orderId);
  if (o) event.o = o;
  if (e.total !== undefined) event.v = e.total;
  if (e.at) event.c = e.at;
  return event;
}

// ---------------------------------------------------------------------------------------------
// Records

export interface VisitRecord {
  pk: string;
  /**
   * `<time>#<beacon hash>`: sorts a visitor's records by time, and a retried beacon maps to the same
   * keys. Records written before one record per beacon end in `#<part>` (`#00`, `#01`...): a beacon's
   * parts, each read like any record.
   */
  sk: string;
  /** Server time the beacon arrived. */
  at: string;
  sid: string;
  ip: string;
  br?: string;
  os?: string;
  dv?: string;
  asn?: number;
  isp?: string;
  ev: StoredEvent[];
  /** DynamoDB TTL, epoch seconds. */
  expiresAt: number;
}

export const visitorPartition = (visitorId: string) => `V#${visitorId}`;
export const memberPartition = (memberId: string) => `M#${memberId}`;

/**
 * Bytes a beacon's record may take per event it holds. DynamoDB bills a write unit per started KB of
 * each item, so a record of n events within n × 1000 bytes never costs more write units than storing
 * every event alone under 1 KB would; in practice it costs far fewer (ten events of ~250 bytes: 3).
 */
export const RECORD_BYTES_PER_EVENT = 1000;

/**
 * The item budget of a beacon's record. It is counted from the events the beacon holds, capped at the
 * most events a beacon may carry (BEACON_LIMITS.events: 50), so the largest record is 50 KB: an
 * eighth of DynamoDB's 400 KB item limit, whatever any caller passes. The margin is for DynamoDB's
 * own size counting, which itemSize only approximates (number encoding, list and map overhead).
 */
export const recordBudgetBytes = (events: number) => Math.min(Math.max(events, 1), BEACON_LIMITS.events) * RECORD_BYTES_PER_EVENT;

/** Item size as DynamoDB counts it: attribute names plus values (strings in UTF-8, numbers ~digits/2). */
export function itemSize(value: unknown, name = ''): number {
  const nameBytes = Buffer.byteLength(name);
  if (value === undefined) return 0;
  if (typeof value === 'string') return nameBytes + Buffer.byteLength(value);
  if (typeof value === 'number') return nameBytes + numberSize(value);
  if (typeof value === 'boolean' || value === null) return nameBytes + 1;
  // Plain loops: this runs over every event of every beacon, where the size decides the truncation.
  let bytes = nameBytes + 3;
  if (Array.isArray(value)) {
    for (const item of value) bytes += 1 + itemSize(item);
    return bytes;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) bytes += 1 + itemSize(record[key], key);
  return bytes;
}

/** Bytes of a number as DynamoDB counts them: about one per two significant digits, plus one. */
function numberSize(value: number): number {
  // Integers (durations, TTLs, ASNs: nearly every number here) have no sign or point to strip.
  const digits = Number.isSafeInteger(value) ? String(Math.abs(value)).length : String(Math.abs(value)).replace(/[.-]/g, '').length;
  return Math.ceil(digits / 2) + 1;
}

/** How far a browser's clock may be trusted for ordering before the server's clock is used instead. */
const CLIENT_CLOCK_TOLERANCE_MS = 10 * 60_000;

/**
 * Stores a beacon as one record: all its events, with the request facts once. One item instead of
 * several under 1 KB costs the same write units (DynamoDB bills per started KB of each item) and
 * spares the SDK the work of one item per KB. The sort key is `<time>#<beacon hash>`: the time is
 * the client's hint when it is plausible, so a retried beacon gets the same keys and overwrites
 * itself instead of doubling; the record's `at` is always the server's time. Records written before
 * (several parts of one beacon, `#00`, `#01`... after the hash) read the same way.
 */
export function packVisitRecord(beacon: BeaconInput, facts: RequestFacts, now: Date, retentionDays: number): VisitRecord {
  const events = beacon.events.map(storedEvent);
  const hint = beacon.events[0]?.at ? Date.parse(beacon.events[0].at) : Number.NaN;
  const keyTime = Math.abs(hint - now.getTime()) <= CLIENT_CLOCK_TOLERANCE_MS ? new Date(hint) : now;
  const eventsJson = JSON.stringify(events);
  const beaconHash = hash('sha256', `${beacon.sessionId}\u0000${eventsJson}`, 'base64url').slice(0, 12);
  // Set field by field, not with conditional spreads: every beacon builds this. The events join
  // after the rest has been measured.
  const record: VisitRecord = {
    pk: visitorPartition(beacon.visitorId),
    sk: `${keyTime.toISOString()}#${beaconHash}`,
    at: now.toISOString(),
    sid: beacon.sessionId,
    ip: facts.ip,
    ev: [],
    expiresAt: Math.floor(now.getTime() / 1000) + retentionDays * 86_400,
  };
  if (facts.browser) record.br = truncateUtf8(facts.browser, 40);
  if (facts.os) record.os = truncateUtf8(facts.os, 40);
  if (facts.device) record.dv = truncateUtf8(facts.device, 16);
  if (facts.asn !== undefined) record.asn = facts.asn;
  if (facts.isp) record.isp = truncateUtf8(facts.isp, 64);
  const budget = recordBudgetBytes(events.length);
  const shellBytes = itemSize(record);
  record.ev = events;
  // An event counts at most three bytes per character of its JSON text (a UTF-16 unit is at most 3
  // bytes of UTF-8, and the JSON's quotes, colons and commas outweigh the separators DynamoDB
  // counts), so most beacons are known to fit without walking their events again.
  if (shellBytes + 3 * eventsJson.length <= budget) return record;
  const bytes = itemSize(record);
  return bytes > budget ? fitRecord(record, bytes, budget) : record;
}

/** Free-text fields given up first when a record is over its budget: least useful first. */
const SHRINK_ORDER = ['ti', 'r', 'q', 'p', 'k', 'o'] as const;

/**
 * Halves free text, field by field in SHRINK_ORDER, until the record fits its budget; within a field
 * the longest value goes first, so one overlong title gives way before many short ones. The size is
 * kept by difference (a value's bytes, and its name and separator when it goes) instead of measuring
 * the record again at every step. Only beacons of overlong text get here: the events are this
 * record's own, so they are cut in place.
 */
function fitRecord(record: VisitRecord, bytes: number, budget: number): VisitRecord {
  for (const field of SHRINK_ORDER) {
    while (bytes > budget) {
      let longest: StoredEvent | undefined;
      let longestBytes = 0;
      for (const event of record.ev) {
        const value = event[field];
        const size = value ? Buffer.byteLength(value) : 0;
        if (size > longestBytes) {
          longest = event;
          longestBytes = size;
        }
      }
      if (!longest) break;
      const cut = truncateUtf8(longest[field]!, Math.floor(longestBytes / 2));
      if (cut) {
        longest[field] = cut;
        bytes -= longestBytes - Buffer.byteLength(cut);
      } else {
        delete longest[field];
        bytes -= 1 + field.length + longestBytes;
      }
    }
  }
  return record;
}

/** What staff see: one row per event, newest first, with the request facts spelled out. */
export interface VisitView {
  visitorId: string;
  sessionId: string;
  type: EventType;
  at: string;
  clientAt?: string;
  path?: string;
  referrer?: string;
  title?: string;
  searchKind?: string;
  query?: string;
  results?: number;
  durationMs?: number;
  orderId?: string;
  total?: number;
  ip: string;
  browser?: string;
  os?: string;
  device?: string;
  asn?: number;
  isp?: string;
  expiresAt: string;
}

export function unpackVisitRecord(record: VisitRecord): VisitView[] {
  const visitorId = record.pk.slice(2);
  return record.ev
    .map((e) => {
      const view: VisitView = {
        visitorId,
        sessionId: record.sid,
        type: e.t,
        at: record.at,
        clientAt: e.c,
        path: e.p,
        referrer: e.r,
        title: e.ti,
        searchKind: e.k,
        query: e.q,
        results: e.n,
        durationMs: e.d,
        orderId: e.o,
        total: e.v,
        ip: record.ip,
        browser: record.br,
        os: record.os,
        device: record.dv,
        asn: record.asn,
        isp: record.isp,
        expiresAt: new Date(record.expiresAt * 1000).toISOString(),
      };
      for (const key of Object.keys(view) as (keyof VisitView)[]) if (view[key] === undefined) delete view[key];
      return view;
    })
    .reverse();
}
