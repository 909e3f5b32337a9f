/**
 * Browser type (policy 1.1(2)) from the User-Agent header, parsed by ua-parser-js (MIT, 1.x line; the
 * 2.x line is AGPL and must not ship in the Lambdas). Results are cached per warm container in a
 * bounded least-recently-used map: a shop's traffic comes from a few hundred distinct user agents,
 * and a parse costs far more than a lookup. The cache holds derived facts only (browser, OS, device
 * type), keyed by the header, never who sent it.
 */
import UAParser from 'ua-parser-js';

export interface BrowserFacts {
  browser?: string;
  os?: string;
  device?: string;
}

/** A map that keeps at most `limit` entries, dropping the one used longest ago. */
export class LruCache<V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, V>();

  constructor(readonly limit: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }
}

/** Parsed user agents of this container (exported for tests). */
export const parsedAgents = new LruCache<BrowserFacts>(500);

const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ') || undefined;

export function browserFacts(userAgent: string | undefined): BrowserFacts {
  if (!userAgent) return {};
  const ua = userAgent.slice(0, 512);
  const hit = parsedAgents.get(ua);
  if (hit) return hit;
  const result = new UAParser(ua).getResult();
  const facts: BrowserFacts = {};
  const browser = join(result.browser.name, result.browser.major);
  const os = join(result.os.name, result.os.version);
  if (browser) facts.browser = browser;
  if (os) facts.os = os;
  if (result.device.type) facts.device = result.device.type;
  parsedAgents.set(ua, facts);
  return facts;
}
