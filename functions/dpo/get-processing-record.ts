/**
 * GET /v1/admin/processing-record?format=json|csv|html&lang=th|en (DPO): the record of processing
 * activities (PDPA s39), generated at each call from the route table, the table and bucket
 * declarations, the stage settings, the consent categories and the processor and disclosure registers.
 */
import { runtimeConfig } from '../../shared/config';
import { disclosureStore } from '../../shared/adapters/wiring/members';
import { registerStore } from '../../shared/adapters/wiring/registers';
import type { Clock, DisclosureStore, RegisterStore } from '../../shared/domain/ports';
import { buildProcessingRecord, processingRecordCsv, processingRecordHtml, type RecordSources } from '../../shared/domain/processing-record';
import { systemClock } from '../../shared/adapters/clock';
import { html, ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { CONSENT_CATEGORY_ACTIVITIES } from '../../shared/processing';
import { BUCKETS, TABLES } from '../../shared/resources';
import { getProcessingRecordRoute, ROUTES } from '../../shared/routes';

export interface ProcessingRecordDeps {
  registers: Pick<RegisterStore, 'list'>;
  disclosures: Pick<DisclosureStore, 'recent'>;
  clock: Clock;
  settings: RecordSources['settings'] & { shopName: string; contact: string };
}

/** The whole disclosure register, page by page (it is small; the record summarises it). */
async function allDisclosures(store: ProcessingRecordDeps['disclosures']) {
  const items = [];
  let next: string | undefined;
  do {
    const page = await store.recent(100, next);
    items.push(...page.items);
    next = page.next;
  } while (next);
  return items;
}

export const makeHandler = (deps: ProcessingRecordDeps) =>
  route({ ...getProcessingRecordRoute.request, auth: getProcessingRecordRoute.auth }).handler(async (event) => {
    const { format = 'json', lang = 'th' } = event.input.query;
    const controller = { name: deps.settings.shopName, contact: deps.settings.contact };
    const sources: RecordSources = {
      tables: Object.values(TABLES),
      buckets: Object.values(BUCKETS),
      routes: ROUTES,
      tableIds: Object.fromEntries(Object.entries(TABLES).map(([key, def]) => [key, def.id])),
      settings: deps.settings,
      consentCategories: CONSENT_CATEGORY_ACTIVITIES,
      processors: await deps.registers.list('processor'),
      disclosures: await allDisclosures(deps.disclosures),
      controller,
    };
    const rows = buildProcessingRecord(sources, lang);
    const generatedAt = deps.clock.now().toISOString();
    const file = `processing-record-${generatedAt.slice(0, 10)}-${lang}`;
    if (format === 'csv')
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file}.csv"` },
        body: processingRecordCsv(rows, lang),
      };
    if (format === 'html') return html(200, processingRecordHtml(rows, lang, { controller, generatedAt }));
    return ok({ generatedAt, controller, lang, items: rows });
  });

const config = runtimeConfig();
export const handler = makeHandler({
  registers: registerStore(),
  disclosures: disclosureStore(),
  clock: systemClock,
  settings: {
    visitRetentionDays: config.VISIT_RETENTION_DAYS,
    disputeHoldDays: config.DISPUTE_HOLD_DAYS,
    shopName: config.SHOP_NAME,
    contact: config.DPO_ADDRESS,
  },
});
