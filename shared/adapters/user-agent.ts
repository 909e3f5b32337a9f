/**
 * Browser type (policy 1.1(2)) from the User-Agent header, parsed by ua-parser-js (MIT, 1.x line; the
 * 2.x line is AGPL and must not ship in the Lambdas). Results are cached per container: a shop's
 * traffic comes from a few hundred distinct user agents.
 */
import UAParser from 'ua-parser-js';

export interface BrowserFacts {
  browser?: string;
  os?: string;
  device?: string;
}

const CACHE_LIMIT = 500;
const cache = new Map<string, BrowserFacts>();

const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ') || undefined;

export function browserFacts(userAgent: string | undefined): BrowserFacts {
  if (!userAgent) return {};
  const ua = userAgent.slice(0, 512);
  const hit = cache.get(ua);
  if (hit) return hit;
  const result = new UAParser(ua).getResult();
  const facts: BrowserFacts = {};
  const browser = join(result.browser.name, result.browser.major);
  const os = join(result.os.name, result.os.version);
  if (browser) facts.browser = browser;
  if (os) facts.os = os;
  if (result.device.type) facts.device = result.device.type;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(ua, facts);
  return facts;
}
