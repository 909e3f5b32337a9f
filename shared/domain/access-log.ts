/**
 * Reading is recorded (policy 4, strict measures against access to personal data): before staff are
 * shown a member's data, a request's original mail (its text or links to the raw mail), a visit list
 * one member's disclosures or an export, an audit entry `viewed` (who, what, when) is appended to the chain of the person the
 * data is about. The member view lists those entries as "who looked".
 *
 * Record first, then show: the data leaves only after the entry is stored. An append that fails makes
 * the read fail (AccessNotRecordedError, 503), so no read happens unrecorded. The other way round is
 * the safe side: a read that fails after its entry was stored leaves an entry for a look that showed
 * nothing, and a retried read records a second look. Unlike the effects a request owes, a view is
 * not deduplicated: every look is its own fact.
 */
import { AccessNotRecordedError } from './errors';
import type { AuditEntry, AuditLog } from './ports';

export const VIEWED = 'viewed';

/** What was looked at, named in the entry's details. */
export type Viewed = 'member' | 'request' | 'raw_mail' | 'visits' | 'export' | 'disclosures';

export interface View {
  /** The audit chain of the person the data is about (a member id, `email:<hash>` or a request id). */
  subject: string;
  /** The signed-in person who looked. */
  actor: string;
  what: Viewed;
  requestId?: string;
  /** Further ids that say what exactly was shown (never personal data values). */
  details?: Record<string, string | number>;
}

/** Appends the `viewed` entry; the caller shows the data only once this has resolved. */
export async function recordView(audit: Pick<AuditLog, 'append'>, view: View): Promise<AuditEntry> {
  try {
    return await audit.append({
      subject: view.subject,
      actor: view.actor,
      action: VIEWED,
      ...(view.requestId ? { requestId: view.requestId } : {}),
      details: { what: view.what, ...view.details },
    });
  } catch (error) {
    throw Object.assign(new AccessNotRecordedError(), { cause: error });
  }
}

export interface Viewer {
  at: string;
  by: string;
  what: string;
  requestId?: string;
}

/** Who looked at this chain's data and when, newest first. */
export const viewersOf = (entries: AuditEntry[]): Viewer[] =>
  entries
    .filter((e) => e.action === VIEWED)
    .map((e) => ({ at: e.at, by: e.actor, what: String(e.details?.what ?? ''), ...(e.requestId ? { requestId: e.requestId } : {}) }))
    .sort((a, b) => b.at.localeCompare(a.at));
