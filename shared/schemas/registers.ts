/**
 * Shapes of the DPO's register routes (their deadline jobs on the queue: deadline-jobs.ts).
 * Module-level schemas are pure-annotated so bundles keep only those they use (see common.ts).
 */
import * as z from 'zod/mini';
import { BREACH_ID, PROCESSOR_ID, RISK_LEVELS } from '../domain/registers';
import { DATA_CATEGORY_KEYS } from '../processing';
import { IsoDateTime, isoDate } from './common';

const Text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const CalendarDate = /* @__PURE__ */ (() => isoDate({ error: 'must be a date, YYYY-MM-DD' }))();
const Categories = /* @__PURE__ */ (() => z.array(z.enum(DATA_CATEGORY_KEYS)).check(z.minLength(1), z.maxLength(DATA_CATEGORY_KEYS.length)))();

export const ProcessorPath = /* @__PURE__ */ (() => z.object({ id: z.string().check(z.regex(PROCESSOR_ID, 'must be a processor id like P-ABCDEFGH23')) }))();
export const ProcessorInput = /* @__PURE__ */ (() =>
  z.strictObject({
    name: Text(200),
    service: Text(1000),
    categories: Categories,
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, e.g. TH')),
    agreement: z.strictObject({ signedOn: CalendarDate, reference: Text(200), expiresOn: z.optional(CalendarDate) }),
    /** Event consumers of this system it receives events from (ids or short descriptions). */
    receivesEvents: z.optional(z.array(Text(200)).check(z.maxLength(20))),
    endedOn: z.optional(CalendarDate),
  }))();

export const BreachPath = /* @__PURE__ */ (() => z.object({ id: z.string().check(z.regex(BREACH_ID, 'must be a breach id like B-ABCDEFGH23')) }))();
/** What the DPO assesses of a breach (s37(4): what happened, the data, how many, the risk): recorded with it, corrected later. */
const assessmentFields = () => ({
  summary: Text(4000),
  categories: Categories,
  approxAffected: z.number().check(z.int(), z.gte(0), z.lte(1_000_000_000)),
  risk: z.enum(RISK_LEVELS),
  riskAssessment: Text(4000),
});
export const BreachInput = /* @__PURE__ */ (() => z.strictObject({ learnedAt: IsoDateTime, ...assessmentFields() }))();
/**
 * A breach's assessment as the DPO now sees it: replaced whole, the history keeps what changed.
 * When the shop learned of it stays, since the 72 hours run from then.
 */
export const BreachAssessmentInput = /* @__PURE__ */ (() => z.strictObject(assessmentFields()))();
export const PdpcOutcomeInput = /* @__PURE__ */ (() =>
  z.union([z.strictObject({ notifiedAt: IsoDateTime, reference: Text(200) }), z.strictObject({ notRequired: z.literal(true), reason: Text(2000) })]))();
export const SubjectNoticeInput = /* @__PURE__ */ (() =>
  z.strictObject({
    tell: z.boolean(),
    reason: Text(2000),
    /** Member ids or their e-mail addresses. */
    // At most 200 a call: each is looked up and mailed within the route's time; call again for more (nobody is told twice).
    affected: z.optional(z.array(Text(254)).check(z.maxLength(200))),
  }))();

export const ProcessingRecordQuery = /* @__PURE__ */ (() =>
  z.object({
    format: z.optional(z.enum(['json', 'csv', 'html'])),
    lang: z.optional(z.enum(['th', 'en'])),
  }))();
