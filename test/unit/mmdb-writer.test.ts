import { Reader, type AsnResponse } from 'mmdb-lib';
import { describe, expect, it } from 'vitest';
import { buildAsnDatabase } from '../helpers/mmdb-writer';

const THAI_ORG = 'บริษัท ทรู อินเทอร์เน็ต จำกัด'; // True Internet Co., Ltd.; 3 bytes a character in UTF-8

// Deliberately out of order (most specific first) to show that insertion order does not matter.
const NETWORKS = [
  { cidr: '10.1.2.3/32', asn: 4, organization: 'Host' },
  { cidr: '10.1.2.0/24', asn: 3, organization: 'Subnet' },
  { cidr: '10.1.0.0/16', asn: 2, organization: 'Region' },
  { cidr: '10.0.0.0/8', asn: 1, organization: 'Backbone' },
  { cidr: '203.0.113.0/24', asn: 64_500, organization: 'Example Transit' },
  { cidr: '198.51.100.0/25', asn: 64_501, organization: 'Lower Half' },
  { cidr: '198.51.100.128/25', asn: 64_502, organization: 'Upper Half' },
  { cidr: '192.0.2.0/24', asn: 7470, organization: THAI_ORG },
  { cidr: '100.64.0.0/10', asn: 4_200_000_000, organization: 'Private 32-bit ASN' },
];

const reader = new Reader<AsnResponse>(buildAsnDatabase(NETWORKS, { buildEpoch: 1_700_000_000 }));
const lookup = (ip: string) => reader.getWithPrefixLength(ip);
const record = (asn: number, organization: string) => ({
  autonomous_system_number: asn,
  autonomous_system_organization: organization,
});

describe('MMDB test writer, read back with mmdb-lib', () => {
  it('writes GeoLite2-ASN metadata the reader accepts', () => {
    expect(reader.metadata).toMatchObject({
      binaryFormatMajorVersion: 2,
      binaryFormatMinorVersion: 0,
      databaseType: 'GeoLite2-ASN',
      ipVersion: 4,
      recordSize: 24,
      languages: ['en'],
      description: { en: 'GeoLite2-ASN test fixture' },
      buildEpoch: new Date(1_700_000_000_000),
    });
    expect(reader.metadata.nodeCount).toBeGreaterThan(0);
    expect(new Reader(buildAsnDatabase([], { databaseType: 'GeoIP2-ISP' })).metadata.databaseType).toBe('GeoIP2-ISP');
  });

  it('finds the record, with its prefix length, at both ends and inside each network', () => {
    expect(lookup('203.0.113.0')).toEqual([record(64_500, 'Example Transit'), 24]);
    expect(lookup('203.0.113.77')).toEqual([record(64_500, 'Example Transit'), 24]);
    expect(lookup('203.0.113.255')).toEqual([record(64_500, 'Example Transit'), 24]);
    expect(lookup('100.127.255.255')).toEqual([record(4_200_000_000, 'Private 32-bit ASN'), 10]);
  });

  it('returns null outside every network', () => {
    for (const ip of [
      '0.0.0.0',
      '8.8.8.8',
      '9.255.255.255',
      '11.0.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '192.0.1.255',
      '192.0.3.0',
      '198.51.99.255',
      '198.51.101.0',
      '203.0.112.255',
      '203.0.114.0',
      '255.255.255.255',
    ]) {
      expect(reader.get(ip), ip).toBeNull();
    }
    expect(new Reader(buildAsnDatabase([])).get('203.0.113.1')).toBeNull();
  });

  it('resolves nested networks to the most specific one, and keeps the rest of the wider ones', () => {
    expect(reader.get('10.1.2.3')).toEqual(record(4, 'Host'));
    expect(reader.get('10.1.2.2')).toEqual(record(3, 'Subnet'));
    expect(reader.get('10.1.2.4')).toEqual(record(3, 'Subnet'));
    expect(reader.get('10.1.3.0')).toEqual(record(2, 'Region'));
    expect(reader.get('10.1.255.255')).toEqual(record(2, 'Region'));
    expect(reader.get('10.0.0.1')).toEqual(record(1, 'Backbone'));
    expect(reader.get('10.2.0.0')).toEqual(record(1, 'Backbone'));
    expect(reader.get('10.255.255.255')).toEqual(record(1, 'Backbone'));
    // As in real databases, a wider network is split around a nested one, so the reader reports the
    // prefix of the tree leaf that holds it: around 10.1.2.3/32 the /24 becomes 10.1.2.2/32, 10.1.2.0/31, ...
    expect(lookup('10.1.2.3')[1]).toBe(32);
    expect(lookup('10.1.2.2')[1]).toBe(32);
    expect(lookup('10.1.2.0')[1]).toBe(31);
    expect(lookup('10.1.2.128')[1]).toBe(25);
  });

  it('keeps adjacent networks apart at their boundary', () => {
    expect(lookup('198.51.100.127')).toEqual([record(64_501, 'Lower Half'), 25]);
    expect(lookup('198.51.100.128')).toEqual([record(64_502, 'Upper Half'), 25]);
  });

  it('round-trips a Thai organization name as UTF-8, and strings past the 1- and 2-byte size forms', () => {
    expect(reader.get('192.0.2.1')?.autonomous_system_organization).toBe(THAI_ORG);
    const long = 'ก'.repeat(200); // 600 bytes: needs the 2-extra-byte size encoding
    const big = 'x'.repeat(70_000); // needs the 3-extra-byte size encoding
    const db = new Reader<AsnResponse>(
      buildAsnDatabase([
        { cidr: '192.0.2.0/24', asn: 1, organization: long },
        { cidr: '198.51.100.0/24', asn: 2, organization: big },
      ]),
    );
    expect(db.get('192.0.2.9')?.autonomous_system_organization).toBe(long);
    expect(db.get('198.51.100.9')?.autonomous_system_organization).toBe(big);
  });

  it('rejects malformed fixtures instead of writing a misleading database', () => {
    expect(() => buildAsnDatabase([{ cidr: '10.0.0.1/8', asn: 1, organization: 'x' }])).toThrow(/host bits/);
    expect(() => buildAsnDatabase([{ cidr: '10.0.0.0/33', asn: 1, organization: 'x' }])).toThrow(/CIDR/);
    expect(() => buildAsnDatabase([{ cidr: '2001:db8::/32', asn: 1, organization: 'x' }])).toThrow(/CIDR/);
    expect(() => buildAsnDatabase([{ cidr: '10.0.0.0/8', asn: -1, organization: 'x' }])).toThrow(/uint32/);
  });

  it('maps 0.0.0.0/0 to every address that no longer network claims', () => {
    const db = new Reader<AsnResponse>(
      buildAsnDatabase([
        { cidr: '0.0.0.0/0', asn: 9, organization: 'Default' },
        { cidr: '203.0.113.0/24', asn: 64_500, organization: 'Example Transit' },
      ]),
    );
    expect(db.get('8.8.8.8')).toEqual(record(9, 'Default'));
    expect(db.get('255.255.255.255')).toEqual(record(9, 'Default'));
    expect(db.get('203.0.113.5')).toEqual(record(64_500, 'Example Transit'));
  });
});
