/**
 * Internet provider (policy 1.2(5)), derived server-side only, never taken from the body:
 *  - `cloudfront`: the `CloudFront-Viewer-ASN` header CloudFront adds, believed only on a request
 *    that carries the stack's edge key (`x-shop-edge-key`, added by the distribution as an origin
 *    header and unknown to browsers), so a client calling the API directly cannot forge it. Such a
 *    request's viewer address comes from `CloudFront-Viewer-Address` (the API sees CloudFront's).
 *    Major Thai providers are named; other numbers are kept as they are.
 *  - `maxmind`: a MaxMind-format ASN database (e.g. GeoLite2-ASN) read with mmdb-lib.
 *  - `none` (default): the field is absent, never guessed.
 */
import { Reader } from 'mmdb-lib';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config';
import type { SigningKey } from '../domain/ports';
import { cameThroughEdge, EDGE_KEY_HEADER, sameKey, viewerAddress, viewerAddressOf } from './viewer-address';

// Still answered here for the edge construct and the ISP lookups' callers.
export { cameThroughEdge, EDGE_KEY_HEADER, viewerAddressOf };

export interface IspFacts {
  asn?: number;
  isp?: string;
  /** The viewer's address when a trusted proxy (CloudFront) reports it: replaces the connection's. */
  ip?: string;
}

export type IspLookup = (ip: string, headers: Record<string, string | undefined>) => IspFacts | Promise<IspFacts>;

/**
 * Autonomous systems of the major Thai providers (APNIC registry names in comments), by the brand
 * shoppers know. Other numbers are stored as numbers only.
 */
export const THAI_PROVIDERS: Readonly<Record<number, string>> = {
  45430: 'AIS (mobile)', // SBN-AWN-AS-02-AP Advanced Wireless Network
  133481: 'AIS Fibre', // AIS-Fibre-AS-AP
  7470: 'True Online', // TRUEINTERNET-AS-AP TRUE INTERNET Co.,Ltd.
  17552: 'True Online', // TRUE-AS-AP True Internet Co.,Ltd.
  132061: 'TrueMove H (mobile)', // REALMOVE-AS-AP Real Move Company Limited
  24378: 'dtac (mobile, True)', // ENGTAC-TH-AP Total Access Communication PLC.
  45758: '3BB', // TRIPLETNET-AS-AP Triple T Internet
  23969: 'NT (former TOT)', // TOT-NET TOT Public Company Limited
  9931: 'NT (former CAT)', // CAT-AP The Communication Authority of Thailand
  4651: 'NT (former CAT)', // THAI-GATEWAY The Communications Authority of Thailand
};

interface AsnRecord {
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

export function maxmindLookup(database: Buffer): IspLookup {
  // mmdb-lib types its records as GeoIP responses; an ASN database holds these two fields.
  const reader = new Reader(database) as unknown as { get(ip: string): AsnRecord | null };
  return (ip) => {
    let record: AsnRecord | null = null;
    try {
      record = reader.get(ip);
    } catch {
      return {}; // not an IP address the database can look up
    }
    if (!record) return {};
    return {
      ...(typeof record.autonomous_system_number === 'number' ? { asn: record.autonomous_system_number } : {}),
      ...(record.autonomous_system_organization ? { isp: record.autonomous_system_organization } : {}),
    };
  };
}

/** The ASN of a `CloudFront-Viewer-ASN` value, with the provider's name when it is a major Thai one. */
export function providerOfAsn(raw: string | undefined): Pick<IspFacts, 'asn' | 'isp'> {
  const asn = raw && /^\d{1,10}$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
  if (asn === undefined || asn <= 0 || asn > 4_294_967_295) return {};
  const isp = THAI_PROVIDERS[asn];
  return isp ? { asn, isp } : { asn };
}

/** CloudFront's facts (viewer address, ASN and provider), for requests that prove they came through the stack's distribution. */
export function cloudFrontLookup(edgeKey: SigningKey): IspLookup {
  return async (_ip, headers) => {
    if (!headers[EDGE_KEY_HEADER] || !sameKey(headers[EDGE_KEY_HEADER], await edgeKey())) return {};
    const ip = viewerAddress(headers['cloudfront-viewer-address']);
    return { ...providerOfAsn(headers['cloudfront-viewer-asn']), ...(ip ? { ip } : {}) };
  };
}

/** Another source of providers behind the edge: the viewer's address replaces CloudFront's, and is what is looked up. */
function behindEdge(lookup: IspLookup, edgeKey: SigningKey): IspLookup {
  const viewer = viewerAddressOf(edgeKey);
  return async (ip, headers) => {
    const address = await viewer(headers);
    return address ? { ...(await lookup(address, headers)), ip: address } : lookup(ip, headers);
  };
}

export const noIspLookup: IspLookup = () => ({});

/** The lookup a stage's ISP_SOURCE names (none | cloudfront | maxmind, the last with its database file). */
export function ispLookup(source: string, databasePath?: string, edgeKey?: SigningKey): IspLookup {
  if (source === 'cloudfront') {
    if (!edgeKey) throw new ConfigError('ISP_SOURCE=cloudfront needs the edge key');
    return cloudFrontLookup(edgeKey);
  }
  const edged = (lookup: IspLookup) => (edgeKey ? behindEdge(lookup, edgeKey) : lookup);
  if (source === 'none') return edged(noIspLookup);
  if (source === 'maxmind') {
    if (!databasePath) throw new ConfigError('ISP_SOURCE=maxmind needs ASN_DATABASE_PATH');
    return edged(maxmindLookup(readFileSync(databasePath)));
  }
  throw new ConfigError(`ISP_SOURCE must be none, cloudfront or maxmind, got "${source}"`);
}
