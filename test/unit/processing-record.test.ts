/**
 * The record of processing activities (PDPA s39) against the real declarations: every table, bucket
 * and route holding personal data declares its purpose and retention, and the generated record says
 * what the system does (routes, retention from the stage settings, consent categories, readers,
 * processors, disclosures), as CSV with a BOM and as a printable page, in Thai and English.
 */
import { describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import {
  buildProcessingRecord,
  personalDataStores,
  processingRecordCsv,
  processingRecordHtml,
  routesStoringPersonalData,
  type RecordSources,
} from '../../shared/domain/processing-record';
import type { Processor } from '../../shared/domain/registers';
import { ACTIVITIES, CONSENT_CATEGORY_ACTIVITIES } from '../../shared/processing';
import { BUCKETS, TABLES } from '../../shared/resources';
import { ROUTES, type RouteDef } from '../../shared/routes';

const settings = stageFromCdkJson('local');
const tableIds = Object.fromEntries(Object.entries(TABLES).map(([key, def]) => [key, def.id]));

const processor: Processor = {
  id: 'P-ABCDEFGH23',
  version: 1,
  name: 'Parcel Express',
  service: 'Courier',
  categories: ['contact', 'delivery_address'],
  country: 'TH',
  agreement: { signedOn: '2026-01-01', reference: 'NDA-7', expiresOn: '2027-01-01' },
  receivesEvents: [],
  recordedAt: '2026-01-01T00:00:00Z',
  recordedBy: 'dpo',
  history: [],
  milestones: [],
};

const sources = (over: Partial<RecordSources> = {}): RecordSources => ({
  tables: Object.values(TABLES),
  buckets: Object.values(BUCKETS),
  routes: ROUTES,
  tableIds,
  settings: { visitRetentionDays: settings.visitRetentionDays, disputeHoldDays: settings.disputeHoldDays },
  consentCategories: CONSENT_CATEGORY_ACTIVITIES,
  processors: [processor],
  disclosures: [
    {
      id: 'd1',
      recipient: '=Police',
      legalBasis: 'required_by_law',
      reference: 'warrant 1',
      categories: ['contact'],
      disclosedAt: '2026-02-01T00:00:00Z',
      recordedAt: '2026-02-01T00:00:00Z',
      recordedBy: 'dpo',
    },
  ],
  controller: { name: settings.shopName, contact: 'dpo@shop.example.com' },
  ...over,
});

describe('processing declarations', () => {
  it('every table declares whether it holds personal data, and those that do name activities and a retention', () => {
    for (const [key, def] of Object.entries(TABLES)) {
      const processing = (def as { processing?: unknown }).processing;
      expect(processing, `table ${key} declares no processing (shared/resources.ts)`).toBeDefined();
      if (processing && typeof processing === 'object' && 'activities' in processing) {
        const { activities, retention } = processing as { activities: string[]; retention: { rule: { th: string; en: string } } };
        expect(activities.length, `table ${key} names no activity`).toBeGreaterThan(0);
        for (const a of activities) expect(Object.keys(ACTIVITIES), `table ${key}`).toContain(a);
        expect(retention.rule.th && retention.rule.en, `table ${key} declares no retention`).toBeTruthy();
      }
    }
    for (const [key, def] of Object.entries(BUCKETS)) expect(def.activities?.length, `bucket ${key} names no activity`).toBeGreaterThan(0);
  });

  it('every route that writes a table holding personal data names the activity it collects for', () => {
    const missing = routesStoringPersonalData({ tables: Object.values(TABLES), tableIds, routes: ROUTES })
      .filter((r) => !r.activity)
      .map((r) => `${r.method} ${r.path}`);
    expect(missing, 'add `activity` to these routes in shared/routes.ts').toEqual([]);
  });

  it('finds a new route that stores personal data without declaring its activity', () => {
    const undeclared: RouteDef = { ...ROUTES.find((r) => r.id === 'recordVisits')!, id: 'newBeacon', path: '/v1/new-beacon' };
    delete undeclared.activity;
    const found = routesStoringPersonalData({ tables: Object.values(TABLES), tableIds, routes: [...ROUTES, undeclared] }).filter((r) => !r.activity);
    expect(found.map((r) => r.path)).toEqual(['/v1/new-beacon']);
  });

  it('counts a new table as personal data only through its declaration', () => {
    const stores = personalDataStores({ tables: [...Object.values(TABLES), { id: 'Newsletters', processing: undefined }], buckets: [] });
    expect(stores.map((s) => s.id)).not.toContain('Newsletters');
    expect(stores.map((s) => s.id)).toContain('Registers');
  });
});

describe('the s39 record generated from the real declarations', () => {
  it('lists one row per activity with routes, consent category, retention from the stage settings and readers', () => {
    const rows = buildProcessingRecord(sources(), 'en');
    expect(rows.map((r) => r.key)).toEqual(Object.keys(ACTIVITIES));
    const visits = rows.find((r) => r.key === 'visitAnalytics')!;
    expect(visits).toMatchObject({ legalBasis: 'Consent (s19)', consentCategory: 'analytics' });
    expect(visits.collectedThrough).toContain('POST /v1/visits');
    expect(visits.storageAndRetention).toContain(`Visits: ${settings.visitRetentionDays} days (visitRetentionDays)`);
    expect(visits.readers).toContain('staff tools (IAM)');
    const members = rows.find((r) => r.key === 'membership')!;
    expect(members.storageAndRetention).toContain(`Members: ${settings.disputeHoldDays} days (disputeHoldDays)`);
    expect(members.recipients).toContain('Parcel Express (Courier; TH; NDA-7, agreement expires 2027-01-01)');
    expect(rows.find((r) => r.key === 'dataRequests')!.storageAndRetention).toContain('Exports: 7 days');
    expect(rows.find((r) => r.key === 'disclosures')!.recipients).toContain('Disclosed to =Police (required_by_law): 1 times');
    expect(rows.find((r) => r.key === 'breaches')!.collectedThrough).toContain('POST /v1/admin/breaches');
  });

  it('leaves out processors the shop stopped using', () => {
    const rows = buildProcessingRecord(sources({ processors: [{ ...processor, endedOn: '2026-06-01' }] }), 'en');
    expect(rows.find((r) => r.key === 'membership')!.recipients).not.toContain('Parcel Express');
  });

  it('writes CSV as UTF-8 with a BOM and CRLF, Thai headers, quoted cells and no formulas', () => {
    const csv = processingRecordCsv(buildProcessingRecord(sources({ processors: [{ ...processor, name: '=cmd|calc' }] }), 'th'), 'th');
    expect(csv.startsWith('\uFEFFกิจกรรมการประมวลผล,วัตถุประสงค์,')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(Object.keys(ACTIVITIES).length + 2); // header, rows, final empty
    expect(csv).toContain('บันทึกการเข้าชมเว็บไซต์');
    // A processor's name starts its recipients cell: a spreadsheet must read it as text, not a formula.
    expect(csv).not.toMatch(/(^|,)"?=cmd/m);
    expect(csv).toMatch(/(^|,)"?'=cmd\|calc/m);
  });

  it('prints a standalone page in English with the controller and every activity', () => {
    const page = processingRecordHtml(buildProcessingRecord(sources(), 'en'), 'en', {
      controller: { name: '<Shop>', contact: 'dpo@shop.example.com' },
      generatedAt: '2026-11-26T00:00:00.000Z',
    });
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Record of processing activities (PDPA s39)');
    expect(page).toContain('&lt;Shop&gt;');
    expect(page.match(/<tr>/g)).toHaveLength(Object.keys(ACTIVITIES).length + 1);
  });
});
