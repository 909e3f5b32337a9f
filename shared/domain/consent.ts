/**
 * Consent capture (policy clause 3): a visitor's choice per cookie category, recorded with the policy
 * version it was given under, the moment, the collection method and whether the browser sent a
 * Global Privacy Control signal. The record doubles as the consent receipt.
 */
import { createHash, randomUUID } from 'node:crypto';
import { CATEGORIES, PURPOSES, type Choices } from './categories';
import type { PolicyVersion } from './policy';

export const COLLECTION_METHODS = ['banner', 'settings', 'api'] as const;
export type CollectionMethod = (typeof COLLECTION_METHODS)[number];

/**
 * What a browser may say. No member id: the public route cannot tie a visitor id to a member (anyone
 * who knows a visitor id could claim it); only the storefront backend's links do that.
 */
export interface ConsentRequest {
  visitorId: string;
  policyVersion: string;
  choices: Choices;
  collectionMethod?: CollectionMethod;
}

export interface ConsentRecord {
  receiptId: string;
  visitorId: string;
  policyVersion: string;
  policyUrl: string;
  policySha256: string;
  /** What is in force: GPC already applied. */
  choices: Choices;
  recordedAt: string;
  collectionMethod: CollectionMethod;
  /** The request carried `Sec-GPC: 1`. */
  gpc: boolean;
  /** The visitor ticked marketing but GPC overrode it. */
  gpcOverrodeMarketing: boolean;
}

export interface ConsentContext {
  policy: PolicyVersion;
  now: Date;
  gpc: boolean;
  /** A client's retry key; the same key for the same visitor yields the same receipt id. */
  idempotencyKey?: string;
}

/** Receipt id: random, or derived from the client's idempotency key so a retry maps to one receipt. */
function receiptIdFor(visitorId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return randomUUID();
  const h = createHash('sha256').update(`${visitorId}\u0000${idempotencyKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function recordConsent(input: ConsentRequest, ctx: ConsentContext): ConsentRecord {
  // Global Privacy Control is a standing refusal of sale/sharing for marketing: it wins over a tick.
  const marketing = input.choices.marketing && !ctx.gpc;
  return {
    receiptId: receiptIdFor(input.visitorId, ctx.idempotencyKey),
    visitorId: input.visitorId,
    policyVersion: ctx.policy.version,
    policyUrl: ctx.policy.url,
    policySha256: ctx.policy.sha256,
    choices: { necessary: true, analytics: input.choices.analytics, marketing },
    recordedAt: ctx.now.toISOString(),
    collectionMethod: input.collectionMethod ?? 'banner',
    gpc: ctx.gpc,
    gpcOverrodeMarketing: input.choices.marketing && ctx.gpc,
  };
}

/**
 * The receipt handed to the visitor, after the Kantara Consent Receipt / ISO/IEC TS 27560 fields:
 * id, timestamp, collection method, policy URL (and hash), purposes, jurisdiction.
 */
export function consentReceipt(record: ConsentRecord) {
  return {
    id: record.receiptId,
    recordedAt: record.recordedAt,
    jurisdiction: 'TH',
    legalFramework: 'PDPA B.E. 2562',
    collectionMethod: record.collectionMethod,
    subject: { visitorId: record.visitorId },
    policyVersion: record.policyVersion,
    policyUrl: record.policyUrl,
    policySha256: record.policySha256,
    choices: record.choices,
    purposes: CATEGORIES.map((category) => ({
      category,
      purpose: PURPOSES[category],
      granted: record.choices[category],
    })),
    gpc: record.gpc,
    ...(record.gpcOverrodeMarketing ? { gpcOverrodeMarketing: true } : {}),
  };
}
export type ConsentReceipt = ReturnType<typeof consentReceipt>;
