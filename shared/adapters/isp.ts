/**
 * Internet provider (policy 1.2(5)), derived server-side only, never taken from the body:
 *  - `cloudfront`: the `CloudFront-Viewer-ASN` header CloudFront adds. Only trustworthy when the API
 *    is reachable solely through CloudFront; otherwise a client could send the header itself.
 *  - `maxmind`: a MaxMind-format ASN database (e.g. GeoLite2-ASN) read with mmdb-lib.
 *  - `none` (default): the field is absent, never guessed.
 */
import { Reader } from 'mmdb-lib';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config';

export interface IspFacts {
  asn?: number;
  isp?: string;
}

export type IspLookup = (ip: string, headers: Record<string, string | undefined>) => IspFacts;

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

export const cloudFrontLookup: IspLookup = (_ip, headers) => {
  const raw = headers['cloudfront-viewer-asn'];
  const asn = raw && /^\d{1,10}$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
  return asn !== undefined && asn > 0 && asn <= 4_294_967_295 ? { asn } : {};
};

export const noIspLookup: IspLookup = () => ({});

/** The lookup a stage's ISP_SOURCE names (none | cloudfront | maxmind, the last with its database file). */
export function ispLookup(source: string, databasePath?: string): IspLookup {
  if (source === 'none') return noIspLookup;
  if (source === 'cloudfront') return cloudFrontLookup;
  if (source === 'maxmind') {
    if (!databasePath) throw new ConfigError('ISP_SOURCE=maxmind needs ASN_DATABASE_PATH');
    return maxmindLookup(readFileSync(databasePath));
  }
  throw new ConfigError(`ISP_SOURCE must be none, cloudfront or maxmind, got "${source}"`);
}
